#!/usr/bin/env node
// `npm start`: the local quick start. It is the explicit local mode: Bot Framework JWT validation
// on /api/messages is off unless an app id is configured. Production runs `npm run start:prod`.
if (!process.env.MICROSOFT_APP_ID && !process.env.BOT_AUTH) process.env.BOT_AUTH = 'local';
require('../dist/src/main.js');
