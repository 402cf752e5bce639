/** The safety net: detection (patterns and the learned classifier) and what to answer. */
export { compileDetector, CATEGORIES, type Category, type Danger, type Level } from './detect';
export { createSafetyNet, loadThresholds, type Assessment, type Band, type SafetyNet, type Thresholds } from './net';
export { DANGER_ANSWER, loadNumbers, mainCategory, numbersFor, QUESTION_OF, safetyReplies, type DangerSeen, type EmergencyNumber, type SafetyQuestion } from './respond';
export { careFacts, loadCareJourneys, type CareJourney } from './care';
