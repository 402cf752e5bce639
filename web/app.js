/*
 * Boussole web chat page: gets a Direct Line token from our own server, renders the official
 * Web Chat bundle (loaded before this file as window.WebChat) and follows the conversation
 * language given by the bot (activity.locale): page strings, lang, and right-to-left for Arabic.
 * Plain browser JavaScript, no build step.
 */
(function () {
  'use strict';

  /** Page language → Web Chat locale (Web Chat ships these translations). */
  var WEBCHAT_LOCALES = { fr: 'fr-FR', nl: 'nl-NL', en: 'en-US', ar: 'ar-SA', tr: 'tr-TR', es: 'es-ES', ro: 'ro-RO' };
  var DEFAULT_LANGUAGE = 'fr';
  var RTL_LANGUAGES = ['ar'];
  var TURN_ERROR_EVENT = 'boussole.turnError';
  var API = '/v3/directline';
  var FAILED_TO_CONNECT = 4; // botframework-directlinejs ConnectionStatus.FailedToConnect

  var strings = {};
  /** Who runs this deployment (GET /site.json), for the privacy notice. */
  var site = {};
  var state = { language: DEFAULT_LANGUAGE };
  var chat = null;

  function primary(tag) {
    return String(tag || '').toLowerCase().split(/[-_]/)[0];
  }

  function browserLanguage() {
    var list = navigator.languages && navigator.languages.length ? navigator.languages : [navigator.language];
    for (var i = 0; i < list.length; i++) {
      if (WEBCHAT_LOCALES[primary(list[i])]) return primary(list[i]);
    }
    return DEFAULT_LANGUAGE;
  }

  function directionOf(language) {
    return RTL_LANGUAGES.indexOf(language) >= 0 ? 'rtl' : 'ltr';
  }

  function text(key) {
    var own = strings[state.language] || {};
    var fallback = strings[DEFAULT_LANGUAGE] || {};
    return own[key] || fallback[key] || '';
  }

  function applyLanguage() {
    var root = document.documentElement;
    root.lang = state.language;
    root.dir = directionOf(state.language);
    document.title = text('title') || document.title;
    var nodes = document.querySelectorAll('[data-i18n]');
    for (var i = 0; i < nodes.length; i++) {
      var value = text(nodes[i].getAttribute('data-i18n'));
      if (value) nodes[i].textContent = value;
    }
    showOperator();
    var labelled = document.querySelectorAll('[data-i18n-aria-label]');
    for (var j = 0; j < labelled.length; j++) {
      var label = text(labelled[j].getAttribute('data-i18n-aria-label'));
      if (label) labelled[j].setAttribute('aria-label', label);
    }
  }

  /** "Boussole is run by <name>. For a question about your data: <contact>" (built as text, never HTML). */
  function showOperator() {
    var line = document.getElementById('operator');
    var operator = site && site.operator;
    if (!line || !operator || !operator.name) return;
    line.textContent = text('privacyOperator').replace('{name}', operator.name);
    if (operator.contact) {
      var link = document.createElement('a');
      var contact = String(operator.contact);
      link.href = /^https:\/\//.test(contact) ? contact : contact.indexOf('@') > 0 ? 'mailto:' + contact : 'tel:' + contact.replace(/[^0-9+]/g, '');
      link.textContent = contact;
      link.dir = 'ltr';
      line.appendChild(link);
    }
    line.hidden = false;
  }

  /** Text into `node`, its phone numbers, e-mail and web addresses as links (format.js finds them). */
  function fillWithLinks(node, value) {
    node.textContent = '';
    var rtl = directionOf(state.language) === 'rtl';
    var marked = window.BoussoleFormat ? window.BoussoleFormat.formatText(value, rtl) : value;
    var link = /\[([^\]]+)\]\(((?:tel:|mailto:|https:)[^)\s]+)\)/g;
    var last = 0;
    var m;
    while ((m = link.exec(marked))) {
      node.appendChild(document.createTextNode(marked.slice(last, m.index)));
      var a = document.createElement('a');
      a.href = m[2];
      a.textContent = m[1];
      node.appendChild(a);
      last = m.index + m[0].length;
    }
    node.appendChild(document.createTextNode(marked.slice(last)));
  }

  function showNotice(key) {
    var notice = document.getElementById('notice');
    notice.classList.remove('notice--done');
    // The numbers in the page's own notice can be tapped, as in the bot's messages.
    fillWithLinks(notice, text(key));
    notice.setAttribute('data-i18n', key);
    notice.hidden = false;
  }

  /** A notice whose text the bot gave (already in the person's language). */
  function showNoticeText(value) {
    var notice = document.getElementById('notice');
    notice.textContent = value;
    notice.removeAttribute('data-i18n');
    notice.classList.add('notice--done');
    notice.hidden = false;
  }

  function hideNotice() {
    var notice = document.getElementById('notice');
    notice.hidden = true;
    notice.removeAttribute('data-i18n');
  }

  /** A JSON file of the page's own server, or {} when it cannot be had (the page still works). */
  function loadJson(url) {
    return fetch(url, { credentials: 'same-origin' })
      .then(function (res) {
        return res.ok ? res.json() : {};
      })
      .catch(function () {
        return {};
      });
  }

  // A random pseudonymous id kept on this device, so the chosen language is remembered next time.
  var USER_KEY = 'boussole.user';
  function storedUser() {
    try {
      return window.localStorage.getItem(USER_KEY);
    } catch {
      return null;
    }
  }
  // The open conversation, for this tab only (sessionStorage): a reload resumes it, with its
  // history (Direct Line replays it from the start), instead of starting a new one.
  var SESSION_KEY = 'boussole.conversation';
  function storedConversation() {
    try {
      var saved = JSON.parse(window.sessionStorage.getItem(SESSION_KEY) || 'null');
      if (!saved || typeof saved.conversationId !== 'string' || typeof saved.token !== 'string') return null;
      // Only while the token has more than a minute to live (the server refuses an expired one).
      var claims = JSON.parse(atob(saved.token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')));
      return claims && claims.exp * 1000 > Date.now() + 60000 ? saved : null;
    } catch {
      return null;
    }
  }
  function rememberConversation() {
    try {
      if (!chat || !chat.directLine || !chat.conversationId) return;
      // botframework-directlinejs keeps the refreshed token on the connection.
      var token = chat.directLine.token || chat.token;
      window.sessionStorage.setItem(SESSION_KEY, JSON.stringify({ conversationId: chat.conversationId, token: token }));
    } catch {
      // no storage: a reload starts a new conversation
    }
  }
  function forgetConversation() {
    try {
      window.sessionStorage.removeItem(SESSION_KEY);
    } catch {
      // nothing was kept
    }
  }

  function forgetUser() {
    try {
      window.localStorage.removeItem(USER_KEY);
    } catch {
      // no storage: nothing was kept
    }
  }
  function rememberUser(token) {
    try {
      var claims = JSON.parse(atob(token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')));
      if (claims && typeof claims.user === 'string') window.localStorage.setItem(USER_KEY, claims.user);
    } catch {
      // private browsing or no storage: nothing is remembered, which is fine
    }
  }

  function generateToken() {
    var user = storedUser();
    return fetch(API + '/tokens/generate', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(user ? { user: { id: user } } : {}),
    }).then(function (res) {
      if (!res.ok) throw new Error('token ' + res.status);
      return res.json().then(function (body) {
        rememberUser(body.token);
        return body;
      });
    });
  }

  function render() {
    if (!chat) return; // between two conversations (after "forget me")
    window.WebChat.renderWebChat(
      {
        directLine: chat.directLine,
        store: chat.store,
        locale: WEBCHAT_LOCALES[state.language],
        // Who speaks is said in each message's own text alternative ("Boussole :", "Sara, du
        // Helpdesk :", format.js), so Web Chat's "Bot said" would be wrong for a person's words
        // (a space: Web Chat takes an empty string as missing and says "Bot said" again).
        overrideLocalizedStrings: { ACTIVITY_BOT_SAID_ALT: ' ' },
        dir: directionOf(state.language),
        styleOptions: {
          hideUploadButton: true,
          rootHeight: '100%',
          accent: '#0b3d5c',
          bubbleFromUserBackground: '#0b3d5c',
          bubbleFromUserTextColor: '#ffffff',
          bubbleFromUserBorderRadius: 12,
          bubbleBorderRadius: 12,
          primaryFont: 'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Noto Sans Arabic", Arial, sans-serif',
          suggestedActionLayout: 'flow',
          sendBoxTextWrap: true
        }
      },
      document.getElementById('webchat')
    );
  }

  /**
   * A reply the server gave from memory while its database was down carries channelData.standbyId;
   * once stored it comes again under another id with the same standbyId: show it once.
   */
  var standbyShown = {};
  function shownAlready(activity) {
    var standbyId = activity && activity.channelData && activity.channelData.standbyId;
    if (typeof standbyId !== 'string') return false;
    if (standbyShown[standbyId] && standbyShown[standbyId] !== activity.id) return true;
    standbyShown[standbyId] = activity.id;
    return false;
  }

  /** The bot writes the conversation language on every reply; follow it. */
  function onIncomingActivity(activity) {
    if (!activity || !activity.from || activity.from.role !== 'bot') return;
    if (activity.type === 'event' && activity.name === TURN_ERROR_EVENT) {
      showNotice('turnError');
      return;
    }
    if (activity.type === 'message' && !keepNotice) hideNotice();
    if (activity.type === 'message' && activity.channelData && activity.channelData.forgotten === true) {
      forgotten(activity);
      return;
    }
    var language = primary(activity.locale);
    if (!WEBCHAT_LOCALES[language] || language === state.language) return;
    state.language = language;
    applyLanguage();
    // Re-render outside the store's dispatch, with the same store and connection.
    setTimeout(render, 0);
  }

  /**
   * "Forget me" was done: nothing of the conversation stays on the screen or on the device. The
   * confirmation stays visible as the page's notice, and a new conversation starts.
   */
  /** The confirmation of "forget me" stays until the person writes again. */
  var keepNotice = false;
  function forgotten(activity) {
    keepNotice = true;
    forgetUser();
    forgetConversation();
    standbyShown = {};
    // After the store has handled this activity: end the old connection, render a new one.
    setTimeout(function () {
      var old = chat;
      chat = null;
      if (old && old.directLine && typeof old.directLine.end === 'function') old.directLine.end();
      showNoticeText(activity.text || '');
      connect();
    }, 0);
  }

  /** `resume`: the conversation this tab had open ({ conversationId, token }), or nothing for a new one. */
  function connect(resume) {
    var issuing = resume ? Promise.resolve({ token: resume.token, conversationId: resume.conversationId }) : generateToken();
    return issuing.then(function (issued) {
      var resumed = false;
      var directLine = window.WebChat.createDirectLine({
        token: issued.token,
        domain: window.location.origin + API,
        // Replies are pushed over the conversation's stream (streamUrl); where the browser has
        // no WebSocket, botframework-directlinejs polls instead.
        webSocket: true,
        conversationId: resume ? resume.conversationId : undefined,
        conversationStartProperties: resume ? undefined : { locale: WEBCHAT_LOCALES[state.language] }
      });
      var store = window.WebChat.createStore({}, function () {
        return function (next) {
          return function (action) {
            if (!action) return next(action);
            if (action.type === 'DIRECT_LINE/INCOMING_ACTIVITY') {
              var activity = action.payload && action.payload.activity;
              if (shownAlready(activity)) return undefined;
              onIncomingActivity(activity);
              // Numbers, e-mail and web addresses tappable; kept whole inside right-to-left text.
              if (activity && activity.from && activity.from.role === 'bot' && window.BoussoleFormat) {
                var rtl = directionOf(primary(activity.locale)) === 'rtl';
                action = Object.assign({}, action, { payload: Object.assign({}, action.payload, { activity: window.BoussoleFormat.formatActivity(activity, rtl, { crisisHeading: text('crisisHeading'), call: text('call'), botSays: text('botSays'), agentSays: text('agentSays'), choices: text('choices'), origin: window.location.origin }) }) });
              }
            }
            if (action.type === 'DIRECT_LINE/POST_ACTIVITY') keepNotice = false;
            // The server could not take the message or cannot be reached: the numbers, at once.
            if (action.type === 'DIRECT_LINE/POST_ACTIVITY_REJECTED' || action.type === 'DIRECT_LINE/POST_ACTIVITY_IMPEDED') showNotice('sendError');
            if (action.type === 'DIRECT_LINE/CONNECTION_STATUS_UPDATE' && action.payload && action.payload.connectionStatus === FAILED_TO_CONNECT) {
              if (resume && !resumed) {
                // The conversation is gone (ended, expired, erased): a new one, not an error.
                resume = null;
                forgetConversation();
                setTimeout(function () {
                  chat = null;
                  connect();
                }, 0);
                return next(action);
              }
              showNotice('connectError');
              reconnectLater();
            }
            if (action.type === 'DIRECT_LINE/CONNECT_FULFILLED') {
              resumed = true;
              rememberConversation();
              connected();
            }
            return next(action);
          };
        };
      });
      chat = { directLine: directLine, store: store, conversationId: issued.conversationId, token: issued.token };
      render();
    })
    .catch(function () {
      var loading = document.querySelector('#webchat .loading');
      if (loading) loading.remove();
      showNotice('connectError');
      reconnectLater();
    });
  }

  /**
   * The server or its database could not be reached: the numbers are on screen (connectError),
   * and the page tries again by itself, 2 s after the first failure, then up to every 30 s; the
   * tab's conversation is resumed (Direct Line replays it), so nothing written is lost on screen.
   */
  var retryDelay = 0;
  var retryTimer = null;
  function reconnectLater() {
    if (retryTimer) return;
    retryDelay = Math.min(retryDelay ? retryDelay * 2 : 2000, 30000);
    retryTimer = setTimeout(function () {
      retryTimer = null;
      if (chat && chat.directLine && chat.directLine.end) {
        try { chat.directLine.end(); } catch { /* already closed */ }
      }
      chat = null;
      connect(storedConversation());
    }, retryDelay);
  }

  function connected() {
    retryDelay = 0;
    var notice = document.getElementById('notice');
    if (notice.getAttribute('data-i18n') === 'connectError') hideNotice();
  }

  function start() {
    state.language = browserLanguage();
    Promise.all([loadJson('/strings.json'), loadJson('/site.json')])
      .then(function (loaded) {
        strings = loaded[0] || {};
        site = loaded[1] || {};
        applyLanguage();
        if (!window.WebChat) throw new Error('Web Chat bundle missing');
        return connect(storedConversation());
      })
      .catch(function () {
        var loading = document.querySelector('#webchat .loading');
        if (loading) loading.remove();
        showNotice('connectError');
        reconnectLater();
      });
  }

  /**
   * The page's own buttons send the command in the person's language, as if typed (the bot
   * understands it the same way); erasing asks first.
   */
  function onMenuClick(event) {
    var button = event.target && event.target.closest ? event.target.closest('[data-command]') : null;
    if (!button || !chat || !chat.store) return;
    menu.open = false;
    var confirmKey = button.getAttribute('data-confirm');
    if (confirmKey && !window.confirm(text(confirmKey))) return;
    var phrase = text(button.getAttribute('data-command'));
    if (phrase) chat.store.dispatch({ type: 'WEB_CHAT/SEND_MESSAGE', payload: { text: phrase } });
  }
  var menu = document.getElementById('chat-menu');
  if (menu) menu.addEventListener('click', onMenuClick);

  // Keep the latest (refreshed) token for a reload.
  window.addEventListener('pagehide', rememberConversation);

  // Both scripts are deferred: the document is parsed and the bundle has run.
  start();
})();
