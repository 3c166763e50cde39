/**
 * The datasets rsattae knows how to download: where from, the archive's size and SHA-256 (or, for ml-100k, the
 * SHA-256 of every file kept), which files to keep, and the split each is evaluated on by default.
 */
import { InputError } from '../core/errors.js';

/** Names of the datasets rsattae can fetch and load. */
export type DatasetName = 'ml-100k' | 'ml-1m' | 'ml-10m' | 'ml-20m' | 'ml-25m' | 'ml-latest-small';

/** Everything needed to download and verify one dataset. */
export interface DatasetSpec {
  /** Folder name under the data folder. */
  readonly name: DatasetName;
  /** The top folder inside the archive (usually the name; `ml-10M100K` for ml-10m). */
  readonly topFolder: string;
  /** Where the archive is downloaded from by default. */
  readonly url: string;
  /** Environment variable that overrides {@link DatasetSpec.url} (mirrors, tests). */
  readonly urlEnv: string;
  /** Size of the archive at {@link DatasetSpec.url}, in bytes (for progress when the server sends no length). */
  readonly archiveBytes: number;
  /**
   * SHA-256 (hex) of the archive as downloaded, checked while it streams in; absent when no trustworthy published
   * value is known (then only {@link DatasetSpec.sha256} protects the download, if anything).
   */
  readonly archiveSha256?: string;
  /** The files kept from the archive (below {@link DatasetSpec.topFolder}); only these are extracted. */
  readonly files: readonly string[];
  /** SHA-256 (hex) of kept files, by file name, checked after extraction (all of ml-100k's; empty for the others). */
  readonly sha256: Readonly<Record<string, string>>;
  /**
   * The split used when none is asked for: `u1` (ML-100K's predefined split, as in the paper), or `random:0.1`
   * (10 % of the ratings at random held out: the GC-MC / IGMC / GLocal-K protocol on ML-1M).
   */
  readonly defaultSplit: string;
}

const GROUPLENS = 'https://files.grouplens.org/datasets/movielens';

/**
 * Archive sizes and SHA-256 values of the GroupLens archives, copied from TensorFlow Datasets' checksum list,
 * https://github.com/tensorflow/datasets/blob/1c076ac3c19c8ea83e1d1a75e0623c9a699e0d7c/tensorflow_datasets/url_checksums/movielens.txt
 * (lines `<url> <size> <sha256> <file>`). That list has no entry for ml-10m.zip, so ml-10m has no archive hash.
 */
const TFDS_MOVIELENS = {
  'ml-1m': { bytes: 5_917_549, sha256: 'a6898adb50b9ca05aa231689da44c217cb524e7ebd39d264c56e2832f2c54e20' }, // TFDS movielens.txt
  'ml-20m': { bytes: 198_702_078, sha256: '96f243c338a8665f6bcc89c53edf6ee39162a846940de6b7c8c48aeada765ff3' }, // TFDS movielens.txt
  'ml-25m': { bytes: 261_978_986, sha256: '8b21cfb7eb1706b4ec0aac894368d90acf26ebdfb6aced3ebd4ad5bd1eb9c6aa' }, // TFDS movielens.txt
  'ml-latest-small': { bytes: 978_202, sha256: '696d65a3dfceac7c45750ad32df2c259311949efec81f0f144fdfb91ebc9e436' }, // TFDS movielens.txt
} as const;

/** A spec for a GroupLens archive of the MovieLens family (all but ml-100k). */
function grouplens(name: Exclude<DatasetName, 'ml-100k'>, urlEnv: string, files: readonly string[], topFolder: string = name): DatasetSpec {
  const known = name === 'ml-10m' ? undefined : TFDS_MOVIELENS[name];
  return Object.freeze({
    name,
    topFolder,
    url: `${GROUPLENS}/${name}.zip`,
    urlEnv,
    // ml-10m.zip: size not in the TFDS list either; 0 means unknown (progress then relies on Content-Length)
    archiveBytes: known?.bytes ?? 0,
    ...(known === undefined ? {} : { archiveSha256: known.sha256 }),
    files: Object.freeze([...files]),
    sha256: Object.freeze({}),
    defaultSplit: 'random:0.1',
  });
}

/** Hashes of the files of ml-100k.zip as published by GroupLens (hashes only: the data itself is never committed). */
const ML_100K_SHA256: Readonly<Record<string, string>> = Object.freeze({
  README: '4883b8cf340ed0059971b33f56ad3adc88a40792108ebca3d24aafc4c82e8b52',
  'u.data': '06416e597f82b7342361e41163890c81036900f418ad91315590814211dca490',
  'u.genre': '9757e0d3e6b298159a80dd48eaf938114690e911e39af97a76949ef1663610bb',
  'u.info': '5b0a40b2e47a729ee6203063f6dcf8790c2e63f5a18663e6ee318a72c5f3c27b',
  'u.item': 'c42ecfe065bb86071c7a05e73eb6d4820871e2615559953c9fade51aad8d88a6',
  'u.occupation': 'cd5fbec9afe345d993a62fc7817df1a4a9079c4feb267b3118763b8fd942137d',
  'u.user': 'f120e114da2e8cf314fd28f99417c94ae9ddf1cb6db8ce0e4b5995d40e90e62c',
  'u1.base': 'ce253ec86c448b44fb3ba9a30d12dcfc2e9210cbde71efada3730c22e9ac212a',
  'u1.test': '18c6014a4b2c7324f250a63f8904a7b16b2b19f911129e346141507b0cbac950',
  'u2.base': '6c06f0b5df4b256da1a994f3ac66edc8da4d3f09bc9282df6b14d893366d703e',
  'u2.test': '4de658d1e04ed9104629509a2e2528fce833ac8e048280183f1df167632038c3',
  'u3.base': 'afdc155c291c6edc41c0407e39d7462eb98d341e064f0b0a12175b80b3c4af5d',
  'u3.test': '0f548b51c78327de4c156461d3e430b7e5579fe2b5681586a59416e48fd35f6d',
  'u4.base': '219f0f4d40dfe9c5141d425f53fa91ee23ed275f14e280bbf1b50117afb064ca',
  'u4.test': '7c02ad0a1e7ab1083c8b9d4b627203a051dd7b5eab46d99fa44de33470de8db9',
  'u5.base': 'a9574e59ce961eec2121627760b6e9b0974ce1637b3fe69ac32cb14a4bfab485',
  'u5.test': '351cc52e0d15b6c721466276fc24671d40936899e3d01fadeaf312915b8c5634',
  'ua.base': '67b5bcdb380c29f85d56a012ecd88612ae020f30a6730d117a334ee8203b91f2',
  'ua.test': 'd0497e202417720f57a184ec8c66be2d1afa4ff41bb53787c57b28d6bf79bc42',
  'ub.base': '237254d253b6ad7de84f919d041055428646254f34ed8f562703c899430cd881',
  'ub.test': 'd54a72d05730d5892062734b2bec73e976f9b713d18c828a18b968d6cce442da',
});

/** Download and verification facts for each known dataset. */
export const DATASETS: Readonly<Record<DatasetName, DatasetSpec>> = Object.freeze({
  'ml-100k': Object.freeze({
    name: 'ml-100k',
    topFolder: 'ml-100k',
    url: `${GROUPLENS}/ml-100k.zip`,
    urlEnv: 'RSATTAE_ML100K_URL',
    archiveBytes: 4_924_029,
    // no archiveSha256: the per-file hashes pin every kept byte (TFDS lists the archive as 50d2a982…c6a3229)
    files: Object.freeze(Object.keys(ML_100K_SHA256)),
    sha256: ML_100K_SHA256,
    defaultSplit: 'u1',
  }),
  'ml-1m': grouplens('ml-1m', 'RSATTAE_ML1M_URL', ['ratings.dat', 'users.dat', 'movies.dat']),
  'ml-10m': grouplens('ml-10m', 'RSATTAE_ML10M_URL', ['ratings.dat', 'movies.dat'], 'ml-10M100K'),
  'ml-20m': grouplens('ml-20m', 'RSATTAE_ML20M_URL', ['ratings.csv', 'movies.csv']),
  'ml-25m': grouplens('ml-25m', 'RSATTAE_ML25M_URL', ['ratings.csv', 'movies.csv']),
  'ml-latest-small': grouplens('ml-latest-small', 'RSATTAE_ML_LATEST_SMALL_URL', ['ratings.csv', 'movies.csv']),
});

/** The known dataset names, for messages and help. */
export const DATASET_NAMES: readonly DatasetName[] = Object.freeze(Object.keys(DATASETS) as DatasetName[]);

/** True when `name` is a dataset rsattae knows. */
export function isDatasetName(name: string): name is DatasetName {
  return Object.hasOwn(DATASETS, name);
}

/** The spec of a dataset; {@link InputError} listing the known names when `name` is not one of them. */
export function datasetSpec(name: string): DatasetSpec {
  if (!isDatasetName(name)) {
    throw new InputError(`unknown dataset ${JSON.stringify(name)}; known datasets: ${DATASET_NAMES.join(', ')}`);
  }
  return DATASETS[name];
}
