// The state-changing commands (state-matrix.ts) in the worlds that differ in how a refused stop or
// start is answered, and in the one where every switch is at its most convenient.
import { stateMatrix, REFUSAL_WORLDS } from './state-matrix.js';

stateMatrix(REFUSAL_WORLDS);
