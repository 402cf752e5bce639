/** The safety net: detection and what to answer. */
export { compileDetector, CATEGORIES, type Category, type Danger, type Level } from './detect';
export { loadNumbers, numbersFor, safetyReplies, type EmergencyNumber } from './respond';
