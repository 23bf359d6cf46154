/** Runs before every test file: deterministic property tests. */
import fc from 'fast-check';

fc.configureGlobal({ seed: Number(process.env.FC_SEED ?? 20261126) });
