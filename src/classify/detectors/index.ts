import type { Detector } from '../types.js';
import { detectPaths } from './paths.js';
import { detectPii } from './pii.js';
import { detectPromptInjection } from './prompt-injection.js';
import { detectRequests } from './requests.js';
import { detectSecrets } from './secrets.js';
import { detectShell, initShell } from './shell.js';
import { detectSql, initSql } from './sql.js';
import { detectUrls } from './urls.js';

/** Every detector, in the order their signals are reported. */
export const DETECTORS: readonly Detector[] = [detectSql, detectShell, detectPaths, detectUrls, detectRequests, detectSecrets, detectPii, detectPromptInjection];

/** Asynchronous set-up some detectors need once per process (WASM parsers). */
export const INITIALIZERS: ReadonlyArray<() => Promise<void>> = [initSql, initShell];
