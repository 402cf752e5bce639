/*
 * Boussole Helpdesk console: sign-in, the queue (new / mine / all, by bassin), a case (situation,
 * consented transcript, live messages), take / write / close, and live updates over SSE.
 * Plain browser JavaScript, no build step. Everything typed by people is shown with textContent.
 */
(function () {
  'use strict';

  var LANGS = ['fr', 'nl', 'en', 'ar', 'tr', 'es', 'ro'];
  var API = '/helpdesk/api';
  var S = {};
  var me = null;
  var meta = { bassins: [], outcomes: [] };
  var view = 'new';
  var openCase = null;
  var openHadAlarm = false;
  var findRef = '';
  var stream = null;
  var unseenLive = 0;
  var baseTitle = document.title;

  function $(id) { return document.getElementById(id); }

  function pickLanguage() {
    var asked = new URLSearchParams(location.search).get('lang');
    if (LANGS.indexOf(asked) >= 0) return asked;
    var list = navigator.languages || [navigator.language];
    for (var i = 0; i < list.length; i++) {
      var p = String(list[i] || '').toLowerCase().split('-')[0];
      if (LANGS.indexOf(p) >= 0) return p;
    }
    return 'fr';
  }
  var lang = pickLanguage();

  function s(key, params) {
    var v = key.split('.').reduce(function (o, k) { return o && o[k]; }, S);
    if (typeof v !== 'string') return key;
    return v.replace(/\{\{(\w+)\}\}/g, function (_, k) { return params && params[k] !== undefined ? String(params[k]) : ''; });
  }

  function applyStrings() {
    document.documentElement.lang = lang;
    document.documentElement.dir = lang === 'ar' ? 'rtl' : 'ltr';
    var nodes = document.querySelectorAll('[data-s]');
    for (var i = 0; i < nodes.length; i++) nodes[i].textContent = s(nodes[i].getAttribute('data-s'));
    $('reply').placeholder = s('case.placeholder');
  }

  function notice(text) {
    var n = $('notice');
    n.textContent = text || '';
    n.hidden = !text;
  }

  function api(method, path, body) {
    var opts = { method: method, credentials: 'same-origin', headers: {} };
    if (body !== undefined) {
      opts.headers['Content-Type'] = 'application/json';
      opts.body = JSON.stringify(body);
    }
    if (me && method !== 'GET') opts.headers['X-CSRF-Token'] = me.csrf;
    return fetch(API + path, opts).then(function (res) {
      return res.json().catch(function () { return {}; }).then(function (data) {
        if (!res.ok) {
          var err = new Error((data.error && data.error.code) || 'http_' + res.status);
          err.status = res.status;
          // A rejected catalogue entry says which fields are wrong (shown next to each by catalogue.js).
          if (data.error && data.error.fields) err.fields = data.error.fields;
          throw err;
        }
        return data;
      });
    });
  }

  function fail(err) {
    if (err && err.status === 401) return showSignIn();
    notice(s('errors.' + (err && err.message)) !== 'errors.' + (err && err.message) ? s('errors.' + err.message) : s('errors.generic'));
  }

  function el(tag, attrs, children) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === 'text') e.textContent = attrs[k];
      else if (k === 'class') e.className = attrs[k];
      else e.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) { e.appendChild(c); });
    return e;
  }

  function when(iso) {
    try { return new Date(iso).toLocaleString(lang, { weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' }); } catch { return String(iso); }
  }

  function bassinName(id) {
    if (!id) return s('queue.unknown_bassin');
    for (var i = 0; i < meta.bassins.length; i++) if (meta.bassins[i].id === id) return meta.bassins[i].name;
    return id;
  }

  // --- sign-in -------------------------------------------------------------------------------
  function showSignIn() {
    me = null;
    if (stream) { stream.close(); stream = null; }
    if (window.BoussoleCatalogue) window.BoussoleCatalogue.stop();
    $('app').hidden = true;
    $('who').hidden = true;
    $('signin').hidden = false;
    $('email').focus();
  }

  $('signin').addEventListener('submit', function (ev) {
    ev.preventDefault();
    $('signin-error').textContent = '';
    api('POST', '/session', { email: $('email').value, password: $('password').value })
      .then(function () { $('password').value = ''; return start(); })
      .catch(function (err) {
        var key = err.message === 'too_many_attempts' ? 'signin.error_rate' : err.message === 'invalid_credentials' ? 'signin.error_invalid' : 'signin.error_generic';
        $('signin-error').textContent = s(key);
      });
  });

  $('signout').addEventListener('click', function () {
    api('POST', '/session/end', {}).then(showSignIn, showSignIn);
  });

  $('available').addEventListener('change', function () {
    api('POST', '/availability', { available: $('available').checked }).catch(fail);
  });

  // --- queue ---------------------------------------------------------------------------------
  var tabs = document.querySelectorAll('[data-view]');
  for (var i = 0; i < tabs.length; i++) {
    tabs[i].addEventListener('click', function (ev) {
      view = ev.currentTarget.getAttribute('data-view');
      loadQueue();
    });
  }
  $('bassin').addEventListener('change', loadQueue);
  // A reference the person reads out on the phone: any case that starts with it, whatever the tab.
  $('find').addEventListener('submit', function (ev) {
    ev.preventDefault();
    var typed = $('find-ref').value.replace(/[\s-]/g, '');
    if (typed && !/^[0-9a-fA-F]{8}$/.test(typed)) { notice(s('queue.find_invalid')); return; }
    notice('');
    findRef = typed;
    loadQueue();
  });
  $('find-ref').addEventListener('search', function () { if (!$('find-ref').value && findRef) { findRef = ''; loadQueue(); } });

  function loadQueue() {
    for (var i = 0; i < tabs.length; i++) tabs[i].setAttribute('aria-selected', String(tabs[i].getAttribute('data-view') === view));
    var q = '?view=' + view + '&lang=' + lang + ($('bassin').value ? '&bassin=' + encodeURIComponent($('bassin').value) : '') + (findRef ? '&ref=' + encodeURIComponent(findRef) : '');
    return api('GET', '/cases' + q).then(function (data) {
      var list = $('cases');
      list.textContent = '';
      data.cases.forEach(function (c) {
        var b = el('button', { type: 'button', 'data-case': c.id, class: openCase === c.id ? 'open' : '' }, [
          el('span', { class: 'badge ' + c.status, text: s('case.status_' + c.status) }),
          el('span', { class: 'badge', text: s('case.mode_' + c.mode) }),
          el('strong', { text: bassinName(c.bassin) }),
          el('span', { class: 'ref', text: c.reference }),
          el('br'),
          el('small', { text: [when(c.createdAt), c.words ? c.words.reason : c.reason, c.words ? c.words.journey || '—' : c.journey || '—', c.words ? c.words.language : c.language, c.assigneeName || ''].filter(Boolean).join(' · ') }),
        ]);
        b.addEventListener('click', function () { showCase(c.id); });
        list.appendChild(el('li', {}, [b]));
      });
      $('cases-empty').textContent = s(findRef ? 'queue.not_found' : 'queue.empty');
      $('cases-empty').hidden = data.cases.length > 0;
    }).catch(fail);
  }

  // --- one case ------------------------------------------------------------------------------
  function messageItem(m) {
    var who = m.from === 'agent' ? (m.name || s('case.agent')) : m.from === 'person' ? s('case.person') : m.from === 'bot' ? 'Boussole' : '';
    var text = m.from === 'system' ? s('case.' + m.text) : m.text;
    var li = el('li', { class: m.from + (m.alarm ? ' alarm' : ''), 'data-message': m.id || '' }, [el('small', { text: (who ? who + ' · ' : '') + when(m.at) + (m.alarm ? ' · ' + s('case.alarm') : '') }), document.createTextNode(text)]);
    return li;
  }

  function showPanel(which) {
    $('case-empty').hidden = which !== 'empty';
    $('case-view').hidden = which !== 'case';
    $('accounts-view').hidden = which !== 'accounts';
    $('audit-view').hidden = which !== 'audit';
  }

  function showCase(id) {
    openCase = id;
    return api('GET', '/cases/' + encodeURIComponent(id) + '?lang=' + encodeURIComponent(lang)).then(function (data) {
      var c = data.case;
      // The server says the reason, the situation and the services in words; codes only if it cannot.
      var words = data.words || null;
      showPanel('case');
      $('case-title').textContent = s('case.title', { bassin: bassinName(c.situation.bassin) }) + ' · ' + c.reference;
      $('case-meta').textContent = [s('case.status_' + c.status), s('case.mode_' + c.mode), s('case.reason') + ': ' + (words ? words.reason : c.reason), s('case.language') + ': ' + (data.headline ? data.headline.language : c.language), when(c.createdAt), c.assigneeName ? s('case.assignee') + ': ' + c.assigneeName : '', c.outcome ? s('outcomes.' + c.outcome) : '', c.feedback ? s('case.feedback') + ': ' + s('feedback.' + c.feedback) : ''].filter(Boolean).join(' · ');
      var facts = $('facts');
      facts.textContent = '';
      var shown = words ? words.facts : [];
      if (!words) {
        var f = Object.assign({ journey: c.situation.journey }, c.situation.facts || {});
        Object.keys(f).forEach(function (k) {
          if (f[k] !== undefined && f[k] !== null && f[k] !== '') shown.push({ fact: k, label: k, value: String(f[k]) });
        });
      }
      shown.forEach(function (item) {
        facts.appendChild(el('dt', { text: item.label, title: item.fact }));
        facts.appendChild(el('dd', { text: item.value }));
      });
      var services = $('services');
      services.textContent = '';
      (words ? words.services : (c.situation.servicesSuggested || []).map(function (sid) { return { id: sid, name: sid }; })).forEach(function (sv) { services.appendChild(el('li', { text: sv.name, title: sv.id })); });
      if (!(c.situation.servicesSuggested || []).length) services.appendChild(el('li', { class: 'muted', text: s('case.no_services') }));
      $('contact-box').hidden = !c.contact;
      var contact = $('contact');
      contact.textContent = '';
      if (c.contact) {
        // One tap to call or write (the value was validated when the person gave it).
        var href = c.contact.kind === 'phone' ? 'tel:' + c.contact.value.replace(/[^+0-9]/g, '') : 'mailto:' + c.contact.value;
        contact.appendChild(el('a', { href: href, text: c.contact.value, dir: 'ltr' }));
        if (c.timeOfDay) contact.appendChild(document.createTextNode(' · ' + s('case.time_' + c.timeOfDay)));
      }
      $('note').value = c.note ? c.note.text : '';
      $('note-status').textContent = c.note ? s('case.note_saved_by', { name: c.note.name, when: when(c.note.at) }) : '';
      openHadAlarm = data.messages.some(function (m) { return Boolean(m.alarm); });
      $('close-confirm').hidden = true;
      var tr = $('transcript');
      tr.textContent = '';
      (c.transcript || []).forEach(function (e) { tr.appendChild(messageItem({ from: e.from === 'bot' ? 'bot' : 'person', text: e.text, at: e.at })); });
      if (!c.transcript) tr.appendChild(el('li', { class: 'system', text: s('case.no_transcript') }));
      var msgs = $('messages');
      msgs.textContent = '';
      data.messages.forEach(function (m) { msgs.appendChild(messageItem(m)); });
      if (!data.messages.length) msgs.appendChild(el('li', { class: 'system', 'data-placeholder': '1', text: s('case.no_messages') }));
      var mine = me && c.assigneeName === me.name && c.status === 'assigned';
      $('take').hidden = c.status !== 'new';
      // Closing needs the case taken first (by this agent; an admin may close a taken case).
      $('close-box').hidden = c.status !== 'assigned' || !(mine || (me && me.role === 'admin'));
      $('compose').hidden = !(mine && c.writable);
      $('compose-callback').hidden = c.mode !== 'callback';
      msgs.scrollTop = msgs.scrollHeight;
      var buttons = document.querySelectorAll('[data-case]');
      for (var j = 0; j < buttons.length; j++) buttons[j].className = buttons[j].getAttribute('data-case') === id ? 'open' : '';
    }).catch(fail);
  }

  $('take').addEventListener('click', function () {
    api('POST', '/cases/' + openCase + '/take', {}).then(function () { notice(''); return Promise.all([showCase(openCase), loadQueue()]); }).catch(fail);
  });

  // Closing ends the person's chat: always confirmed, with a warning when the safety net fired.
  $('close').addEventListener('click', function () {
    var out = $('outcome');
    $('close-confirm-text').textContent = s('case.close_confirm', { outcome: out.options[out.selectedIndex] ? out.options[out.selectedIndex].text : '' });
    $('close-confirm-alarm').hidden = !openHadAlarm;
    $('close-confirm').hidden = false;
    $('close-no').focus();
  });
  $('close-no').addEventListener('click', function () {
    $('close-confirm').hidden = true;
    $('close').focus();
  });
  $('close-yes').addEventListener('click', function () {
    $('close-confirm').hidden = true;
    api('POST', '/cases/' + openCase + '/close', { outcome: $('outcome').value }).then(function () { return Promise.all([showCase(openCase), loadQueue()]); }).catch(fail);
  });

  $('note-form').addEventListener('submit', function (ev) {
    ev.preventDefault();
    var id = openCase;
    api('POST', '/cases/' + encodeURIComponent(id) + '/note', { text: $('note').value }).then(function (data) {
      if (id === openCase) $('note-status').textContent = s('case.note_saved_by', { name: data.note.name, when: when(data.note.at) });
    }).catch(fail);
  });

  $('compose').addEventListener('submit', function (ev) {
    ev.preventDefault();
    var text = $('reply').value.trim();
    if (!text) return;
    api('POST', '/cases/' + openCase + '/messages', { text: text }).then(function () { $('reply').value = ''; notice(''); }).catch(fail);
  });
  $('reply').addEventListener('keydown', function (ev) {
    if (ev.key === 'Enter' && !ev.shiftKey) { ev.preventDefault(); $('compose').requestSubmit(); }
  });

  // --- admin ---------------------------------------------------------------------------------
  $('show-accounts').addEventListener('click', function () {
    openCase = null;
    api('GET', '/accounts').then(function (data) {
      showPanel('accounts');
      var list = $('accounts');
      list.textContent = '';
      data.accounts.forEach(function (a) { list.appendChild(el('li', { text: a.name + ' · ' + a.email + ' · ' + s('admin.role_' + a.role) + ' · ' + (a.bassins.map(bassinName).join(', ') || s('queue.all_bassins')) + (a.locked ? ' · ' + s('admin.locked') : '') })); });
    }).catch(fail);
  });

  $('new-account').addEventListener('submit', function (ev) {
    ev.preventDefault();
    var f = ev.target;
    var bassins = Array.prototype.map.call($('new-bassins').selectedOptions, function (o) { return o.value; });
    api('POST', '/accounts', { email: f.email.value, name: f.name.value, role: f.role.value, bassins: bassins, password: f.password.value })
      .then(function () { $('account-result').textContent = s('admin.created'); f.reset(); $('show-accounts').click(); })
      .catch(function (err) { $('account-result').textContent = s('errors.' + err.message) !== 'errors.' + err.message ? s('errors.' + err.message) : s('errors.generic'); });
  });

  /** An audit entry in words: when, who, what, which case, and the detail that matters. */
  function auditLine(e) {
    var action = s('audit.' + e.action) !== 'audit.' + e.action ? s('audit.' + e.action) : e.action.replace(/_/g, ' ');
    var detail = e.detail && e.detail.outcome ? s('outcomes.' + e.detail.outcome) : e.detail && typeof e.detail.chars === 'number' ? s('audit.chars', { n: e.detail.chars }) : '';
    return [when(e.at), e.actorName || (e.actor === 'unknown' ? s('audit.unknown_actor') : e.actor), action, e.reference ? s('audit.case', { ref: e.reference }) : '', detail].filter(Boolean).join(' · ');
  }

  $('show-audit').addEventListener('click', function () {
    openCase = null;
    api('GET', '/audit').then(function (data) {
      showPanel('audit');
      var list = $('audit');
      list.textContent = '';
      data.entries.forEach(function (e) { list.appendChild(el('li', { text: auditLine(e), title: e.actor + (e.caseId ? ' · ' + e.caseId : '') })); });
    }).catch(fail);
  });

  // --- live updates --------------------------------------------------------------------------
  // --- a new live chat announces itself: a banner, the tab's title, and a sound one can turn off ---
  var SOUND_KEY = 'boussole.helpdesk.sound';
  try { $('sound').checked = localStorage.getItem(SOUND_KEY) !== 'off'; } catch { /* storage blocked: sound stays on */ }
  $('sound').addEventListener('change', function () {
    try { localStorage.setItem(SOUND_KEY, $('sound').checked ? 'on' : 'off'); } catch { /* not kept */ }
  });
  var alertCase = null;

  function chime() {
    if (!$('sound').checked) return;
    try {
      var Ctx = window.AudioContext || window.webkitAudioContext;
      var ac = new Ctx();
      [0, 0.25].forEach(function (at) {
        var o = ac.createOscillator();
        var g = ac.createGain();
        o.frequency.value = 880;
        g.gain.setValueAtTime(0.0001, ac.currentTime + at);
        g.gain.exponentialRampToValueAtTime(0.2, ac.currentTime + at + 0.02);
        g.gain.exponentialRampToValueAtTime(0.0001, ac.currentTime + at + 0.2);
        o.connect(g).connect(ac.destination);
        o.start(ac.currentTime + at);
        o.stop(ac.currentTime + at + 0.22);
      });
      setTimeout(function () { ac.close(); }, 800);
    } catch { /* no audio here: the banner and the title still say it */ }
  }

  function showTitle() {
    document.title = (unseenLive ? '(' + unseenLive + ') ' : '') + baseTitle;
    document.body.setAttribute('data-unseen-live', String(unseenLive));
  }

  function announceLive(e) {
    unseenLive += 1;
    alertCase = e.caseId;
    $('live-alert-text').textContent = s('alert.new_live', { bassin: bassinName(e.bassin) });
    $('live-alert').hidden = false;
    showTitle();
    chime();
  }

  function clearAlert() {
    unseenLive = 0;
    $('live-alert').hidden = true;
    showTitle();
  }
  $('live-alert-open').addEventListener('click', function () {
    var id = alertCase;
    clearAlert();
    if (id) showCase(id).then(function () { $('case-title').focus(); });
  });
  $('live-alert-dismiss').addEventListener('click', clearAlert);

  function listen() {
    if (stream) stream.close();
    stream = new EventSource(API + '/events');
    stream.addEventListener('open', function () { notice(''); document.body.setAttribute('data-live', 'connected'); });
    stream.addEventListener('error', function () { document.body.setAttribute('data-live', 'reconnecting'); });
    stream.addEventListener('case', function (ev) {
      var e = {};
      try { e = JSON.parse(ev.data); } catch { e = {}; }
      if (e.mode === 'live' && e.status === 'new') announceLive(e);
      loadQueue();
      if (openCase) showCase(openCase);
    });
    stream.addEventListener('message', function (ev) {
      var e = JSON.parse(ev.data);
      if (e.caseId !== openCase) { loadQueue(); return; }
      var msgs = $('messages');
      if (msgs.querySelector('[data-message="' + e.message.id + '"]')) return;
      var placeholder = msgs.querySelector('[data-placeholder]');
      if (placeholder) placeholder.remove();
      msgs.appendChild(messageItem(e.message));
      msgs.scrollTop = msgs.scrollHeight;
    });
  }

  /** Editors and admins keep the catalogue (catalogue.js); an editor has nothing else here. */
  function startCatalogue() {
    if ((me.role === 'editor' || me.role === 'admin') && window.BoussoleCatalogue) window.BoussoleCatalogue.start({ api: api, s: s, me: me, lang: lang, el: el, notice: notice, fail: fail });
  }

  function start() {
    return api('GET', '/me').then(function (data) {
      me = data;
      $('signin').hidden = true;
      $('who').hidden = false;
      $('me-name').textContent = s('header.signed_in_as', { name: me.name });
      $('admin-links').hidden = me.role !== 'admin';
      // An editor is no agent: no queue, no live chat, never counted as present.
      var editor = me.role === 'editor';
      $('available').parentNode.hidden = editor;
      $('sound').parentNode.hidden = editor;
      $('app').hidden = editor;
      startCatalogue();
      if (editor) return null;
      return api('GET', '/meta?lang=' + lang).then(function (m) {
        meta = m;
        var sel = $('bassin');
        var nb = $('new-bassins');
        while (sel.options.length > 1) sel.remove(1);
        nb.textContent = '';
        meta.bassins.forEach(function (b) { sel.appendChild(el('option', { value: b.id, text: b.name })); nb.appendChild(el('option', { value: b.id, text: b.name })); });
        var out = $('outcome');
        out.textContent = '';
        meta.outcomes.forEach(function (o) { out.appendChild(el('option', { value: o, text: s('outcomes.' + o) })); });
        showPanel('empty');
        listen();
        return api('POST', '/availability', { available: $('available').checked });
      }).then(loadQueue);
    }).catch(fail);
  }

  fetch('/helpdesk/strings/' + lang).then(function (r) { return r.json(); }).then(function (data) {
    S = data;
    applyStrings();
    return start();
  }).catch(function () { showSignIn(); });
})();
