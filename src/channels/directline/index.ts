/** The Direct Line 3.0 channel (web chat without Azure): adapter, REST router, web page routes. */
export { DirectLineAdapter, TURN_ERROR_EVENT, type DirectLineAdapterOptions, type TurnLogic } from './adapter';
export { createDirectLineRouter, BODY_LIMIT_BYTES, type DirectLineBot, type DirectLineRouterOptions } from './router';
export { TokenService, type TokenClaims, type IssuedToken, type TokenCheck } from './tokens';
export { ConversationNotFoundError } from './errors';
export { activityId, newConversationId, newUserId, CHANNEL_ID } from './ids';
export { ActivityFeed, withFeed, type StreamedActivity } from './feed';
export { attachDirectLineStream, streamUrl, DEFAULT_STREAM_LIMITS, type DirectLineStream, type DirectLineStreamOptions, type StreamLimits } from './stream';
export { webRoutes, webchatBundlePath, defaultWebDir, type WebRoutesOptions } from './web-routes';
export { CONTENT_SECURITY_POLICY, SECURITY_HEADERS } from './security-headers';
