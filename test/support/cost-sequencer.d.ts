import Sequencer from '@jest/test-sequencer';

/** Types for cost-sequencer.js (plain JavaScript: jest loads a sequencer untransformed). */
declare class CostSequencer extends Sequencer {}
export = CostSequencer;
