// The fault contract lives with the simulator; tests import it from here as before.
export { FAULT_HEADER, type Fault } from '../../src/testing/faults.js';
