/*
 * Boussole staff console, Catalogue section (roles editor and admin): the service catalogue (search,
 * filters, the form with every field, archive / restore, "checked today", a preview as the bot shows
 * it, the history of changes with revert) and the Rendez-vous de la Prévention Santé (the next
 * sessions of a bassin, one-off sessions and series, the school holidays series may skip). Started
 * by console.js after sign-in with its api() (session cookie, CSRF header), s() (strings) and el().
 * Plain browser JavaScript, no build step; everything typed by people is shown with textContent,
 * never innerHTML.
 */
(function () {
  'use strict';

  var LANGS = ['fr', 'nl', 'en', 'ar', 'tr', 'es', 'ro'];
  /** Languages a service may say it speaks: the console's seven, then others common in Brussels. */
  var SPOKEN = LANGS.concat(['de', 'it', 'pt', 'pl', 'ru', 'uk', 'bg', 'sq', 'zgh', 'ln', 'fa', 'ps', 'ti', 'so']);
  var CAVEAT_FIELDS = ['phone', 'address', 'hours', 'email', 'cost', 'website'];
  var ELIGIBILITY_FLAGS = ['pregnancy', 'insuranceRequired', 'acceptsUndocumented', 'undocumentedOnly', 'minorsOnly'];
  var META_KEYS = ['revision', 'archived', 'checkedBy', 'editedAt', 'editedBy', 'origin', 'stale', 'staffEdited'];
  var BASE = '/catalogue';
  var KIND = {
    service: { path: '/services', body: 'service', prefix: 'svc' },
    rendezvous: { path: '/rendezvous', body: 'rendezvous', prefix: 'rdv' },
    series: { path: '/series', body: 'series', prefix: 'series' },
  };

  var ctx = null;
  var wired = false;
  var meta = { themes: [], tags: [], communes: [], bassins: [], languages: LANGS, staleAfterMonths: 12 };
  /** The open editor of each view: { kind, prefix, entry, revision, isNew, archived, dirty, form, collect, reload }. */
  var editors = { services: null, rdv: null };
  var rdvData = { rendezvous: [], series: [], sessions: [] };
  var closures = null;
  var searchTimer = null;

  function $(id) { return document.getElementById(id); }
  function t(key, params) { return ctx.s('catalogue.' + key, params); }
  function known(key) { return ctx.s('catalogue.' + key) !== 'catalogue.' + key; }
  function enc(v) { return encodeURIComponent(String(v)); }
  function clone(v) { return v === undefined ? undefined : JSON.parse(JSON.stringify(v)); }
  function langQuery() { return '?lang=' + enc(ctx.lang); }

  /** console.js's el(), skipping absent attributes and children, with plain strings as text. */
  function h(tag, attrs, children) {
    var a = {};
    Object.keys(attrs || {}).forEach(function (k) {
      var v = attrs[k];
      if (v !== undefined && v !== null && v !== false) a[k] = v === true ? '' : v;
    });
    var kids = (children || []).filter(function (c) { return c !== undefined && c !== null && c !== false; }).map(function (c) { return typeof c === 'string' ? document.createTextNode(c) : c; });
    return ctx.el(tag, a, kids);
  }

  // --- words for codes ----------------------------------------------------------------------
  /** Dates and numbers as the console's language writes them, with Western digits (as phone numbers). */
  function locale() { return (ctx.lang === 'en' ? 'en-GB' : ctx.lang) + '-u-nu-latn'; }

  /** A language's name in the console's language: capitalised as a label, as Intl writes it inside a sentence. */
  function langName(code, inSentence) {
    try {
      var n = new Intl.DisplayNames([locale()], { type: 'language' }).of(code);
      if (n && n !== code) return inSentence ? n : n.charAt(0).toLocaleUpperCase(ctx.lang) + n.slice(1);
    } catch { /* an old browser: the code is better than nothing */ }
    return code;
  }

  /** 1 = Monday … 7 = Sunday (1 January 2024 was a Monday). */
  function dayName(n) {
    try { return new Date(Date.UTC(2024, 0, Number(n))).toLocaleDateString(locale(), { weekday: 'long', timeZone: 'UTC' }); } catch { return String(n); }
  }

  function dayText(iso) {
    if (!iso || !/^\d{4}-\d{2}-\d{2}/.test(String(iso))) return iso ? String(iso) : '';
    var d = new Date(String(iso).slice(0, 10) + 'T12:00:00Z');
    if (isNaN(d.getTime())) return String(iso);
    return d.toLocaleDateString(locale(), { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Europe/Brussels' });
  }

  function momentText(iso) {
    var d = new Date(iso);
    if (!iso || isNaN(d.getTime())) return iso ? String(iso) : '';
    return d.toLocaleString(locale(), { day: 'numeric', month: 'long', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: 'Europe/Brussels' });
  }

  /** An instant as Brussels wall time: { date: 'YYYY-MM-DD', time: 'HH:MM' }. */
  function wall(d) {
    var p = {};
    new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Brussels', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
      .formatToParts(d).forEach(function (x) { p[x.type] = x.value; });
    return { date: p.year + '-' + p.month + '-' + p.day, time: p.hour + ':' + p.minute };
  }

  function today() { return wall(new Date()).date; }

  /** Brussels wall time → ISO with its offset (summer first, so an autumn time that occurs twice is the first). */
  function brusselsIso(date, time) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || !/^\d{2}:\d{2}$/.test(time)) return date + 'T' + time;
    for (var off = 2; off >= 1; off--) {
      var instant = new Date(Date.parse(date + 'T' + time + ':00Z') - off * 3600000);
      var w = wall(instant);
      if (w.date === date && w.time === time) return date + 'T' + time + ':00+0' + off + ':00';
    }
    return date + 'T' + time + ':00+01:00';
  }

  function sessionWhen(start, end) {
    var d = new Date(start);
    if (!start || isNaN(d.getTime())) return t('rdv.no_date');
    var day = d.toLocaleDateString(locale(), { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Europe/Brussels' });
    // The times isolated left-to-right: "14:00–16:00" must not read "16:00–14:00" in Arabic.
    return day + ' · \u2066' + wall(d).time + (end ? '–' + wall(new Date(end)).time : '') + '\u2069';
  }

  function pick(v) {
    if (v === undefined || v === null) return '';
    if (typeof v !== 'object') return String(v);
    if (v[ctx.lang]) return v[ctx.lang];
    if (v.fr) return v.fr;
    var first = Object.keys(v).map(function (k) { return v[k]; }).filter(function (x) { return typeof x === 'string' && x; })[0];
    return first || '';
  }

  function find(list, key, value) {
    for (var i = 0; i < (list || []).length; i++) if (list[i][key] === value) return list[i];
    return null;
  }
  function themeLabel(id) { var x = find(meta.themes, 'id', id); return x ? x.label : known('themes.' + id) ? t('themes.' + id) : id; }
  function tagLabel(id) { var x = find(meta.tags, 'id', id); return x ? x.label : known('tags.' + id) ? t('tags.' + id) : id; }
  function communeName(nis) { var x = find(meta.communes, 'nis', nis); return x ? pick(x.name) : nis || ''; }
  function bassinName(id) { var x = find(meta.bassins, 'id', id); return x ? pick(x.name) : id || ''; }
  function statusWords(st) { return known('status.' + st) ? t('status.' + st) : st; }
  function byCommune(a, b) { return communeName(a.nis).localeCompare(communeName(b.nis), ctx.lang); }

  // --- messages, confirmations, errors --------------------------------------------------------
  function sectionNotice(text) {
    var n = $('cat-notice');
    n.textContent = text || '';
    n.hidden = !text;
  }

  function errorText(err) {
    var code = err && err.message;
    if (code && known('errors.' + code)) return t('errors.' + code);
    if (code && ctx.s('errors.' + code) !== 'errors.' + code) return ctx.s('errors.' + code);
    return t('errors.generic');
  }

  /** An inline confirmation (one at a time) after `anchor`'s block; "No" has the focus, Escape says no. */
  function confirmBox(anchor, text, yesLabel, onYes) {
    var old = $('cat-confirm');
    if (old) old.remove();
    var yes = h('button', { type: 'button', id: 'cat-confirm-yes', text: yesLabel });
    var no = h('button', { type: 'button', id: 'cat-confirm-no', class: 'secondary', text: t('confirm.no') });
    var box = h('div', { id: 'cat-confirm', class: 'confirm', role: 'alertdialog', 'aria-labelledby': 'cat-confirm-text' }, [h('p', { id: 'cat-confirm-text', text: text }), yes, ' ', no]);
    var block = anchor.closest('.form-actions, .actions') || anchor;
    block.insertAdjacentElement('afterend', box);
    yes.addEventListener('click', function () { box.remove(); onYes(); });
    no.addEventListener('click', function () { box.remove(); anchor.focus(); });
    box.addEventListener('keydown', function (ev) { if (ev.key === 'Escape') { ev.preventDefault(); no.click(); } });
    no.focus();
  }

  /** Opening another entry over unsaved changes asks first. */
  function guard(view, anchor, proceed) {
    var ed = editors[view];
    if (ed && ed.dirty) confirmBox(anchor, t('form.discard_confirm'), t('form.discard_yes'), proceed);
    else proceed();
  }

  function describe(node, id, add) {
    var ids = (node.getAttribute('aria-describedby') || '').split(' ').filter(function (x) { return x && x !== id; });
    if (add) ids.push(id);
    if (ids.length) node.setAttribute('aria-describedby', ids.join(' '));
    else node.removeAttribute('aria-describedby');
  }

  function clearErrors(ed) {
    var form = ed.form;
    Array.prototype.forEach.call(form.querySelectorAll('.field-error'), function (p) {
      Array.prototype.forEach.call(form.querySelectorAll('[aria-describedby~="' + p.id + '"]'), function (n) { describe(n, p.id, false); n.removeAttribute('aria-invalid'); });
      p.remove();
    });
    var sum = $(ed.prefix + '-errors');
    sum.textContent = '';
    sum.hidden = true;
  }

  /** The element of a server path ("hours.slots.0.open"), or of the nearest enclosing path that has one. */
  function findPath(form, path) {
    var parts = (Array.isArray(path) ? path.join('.') : String(path || '')).split('.').filter(Boolean);
    while (parts.length) {
      var node = form.querySelector('[data-path="' + CSS.escape(parts.join('.')) + '"]');
      if (node) return node;
      parts.pop();
    }
    return null;
  }

  /** `400 invalid_entry`: each message next to its field (linked with aria-describedby), the first one focused. */
  function showFieldErrors(ed, fields) {
    clearErrors(ed);
    var form = ed.form;
    var first = null;
    var loose = [];
    fields.forEach(function (f, i) {
      var message = f.message || (f.code && known('field_errors.' + f.code) ? t('field_errors.' + f.code) : t('errors.invalid_entry'));
      var target = findPath(form, f.path);
      if (!target) { loose.push(message); return; }
      var id = ed.prefix + '-err-' + i;
      var p = h('p', { class: 'field-error', id: id, text: message });
      if (target.tagName === 'FIELDSET') {
        var legend = target.querySelector('legend');
        if (legend && legend.parentNode === target) legend.insertAdjacentElement('afterend', p);
        else target.insertBefore(p, target.firstChild);
      } else {
        var holder = target.closest('.field');
        if (holder) holder.appendChild(p);
        else (target.closest('.check') || target).insertAdjacentElement('afterend', p);
        target.setAttribute('aria-invalid', 'true');
      }
      describe(target, id, true);
      for (var up = p.parentNode; up && up !== form; up = up.parentNode) if (up.tagName === 'DETAILS') up.open = true;
      if (!first) first = target;
    });
    var sum = $(ed.prefix + '-errors');
    sum.appendChild(h('p', { text: t('form.problems', { n: fields.length }) }));
    if (loose.length) sum.appendChild(h('ul', {}, loose.map(function (m) { return h('li', { text: m }); })));
    sum.hidden = false;
    var focusable = first && (first.matches('input, select, textarea, button') ? first : first.querySelector('input, select, textarea, button'));
    // The first wrong field in the middle of the screen, its label and message in view.
    if (focusable) {
      focusable.focus({ preventScroll: true });
      first.scrollIntoView({ block: 'center' });
    } else sum.focus();
  }

  function status(ed, text) {
    var st = $(ed.prefix + '-message');
    st.textContent = text || '';
  }

  /** What a failed write means for the person at the form. */
  function writeFailed(ed, err) {
    if (err && err.status === 401) return ctx.fail(err);
    if (err && err.message === 'invalid_entry' && err.fields && err.fields.length) return showFieldErrors(ed, err.fields);
    if (err && err.message === 'id_taken') return showFieldErrors(ed, [{ path: 'id', message: t('field_errors.id_taken') }]);
    if (err && err.message === 'stale_revision') {
      var st = $(ed.prefix + '-message');
      st.textContent = '';
      var reload = h('button', { type: 'button', id: ed.prefix + '-reload', text: t('form.reload') });
      reload.addEventListener('click', function () { ed.reload(ed.entry.id); });
      st.appendChild(h('span', { class: 'alarm-text', text: t('errors.stale_revision') + ' ' }));
      st.appendChild(reload);
      reload.focus();
      return undefined;
    }
    var sum = $(ed.prefix + '-errors');
    sum.textContent = '';
    sum.appendChild(h('p', { text: errorText(err) }));
    sum.hidden = false;
    sum.focus();
    return undefined;
  }

  // --- form building blocks -----------------------------------------------------------------
  function hint(id, text) { return h('p', { class: 'hint', id: id + '-hint', text: text }); }

  /** A labelled input (or select / textarea) with its server path, and an optional hint linked to it. */
  function field(label, control, hintText) {
    if (hintText) describe(control, control.id + '-hint', true);
    return h('div', { class: 'field' }, [h('label', { for: control.id, text: label }), hintText ? hint(control.id, hintText) : null, control]);
  }

  function input(id, path, value, attrs) {
    var i = h('input', Object.assign({ id: id, type: 'text', 'data-path': path }, attrs || {}));
    i.value = value === undefined || value === null ? '' : String(value);
    return i;
  }

  function select(id, path, options, value) {
    var sel = h('select', { id: id, 'data-path': path }, options.map(function (o) { return h('option', { value: o.value, text: o.label }); }));
    sel.value = value === undefined || value === null ? '' : String(value);
    return sel;
  }

  function check(id, label, checked, attrs) {
    var box = h('input', Object.assign({ type: 'checkbox', id: id }, attrs || {}));
    box.checked = Boolean(checked);
    return h('label', { class: 'check', for: id }, [box, h('span', { text: label })]);
  }

  /** Yes / no / not said, for a condition that may be absent. */
  function triState(id, path, label, value) {
    var v = value === true ? 'true' : value === false ? 'false' : '';
    return field(label, select(id, path, [{ value: '', label: t('form.unset') }, { value: 'true', label: t('form.yes') }, { value: 'false', label: t('form.no') }], v));
  }
  function readTri(id) { var v = $(id).value; return v === 'true' ? true : v === 'false' ? false : undefined; }

  function fieldset(id, path, legend, children, cls) {
    return h('fieldset', { id: id, 'data-path': path || null, class: cls }, [h('legend', { text: legend })].concat(children));
  }

  /**
   * A text in the seven languages: French first (required when `required`), the others folded under
   * "Translations". Each box says its language to screen readers and writes in its direction.
   */
  function localField(P, key, path, value, o) {
    value = value || {};
    var idOf = function (l) { return P + '-' + key + '-' + l; };
    var box = function (l) {
      var attrs = { id: idOf(l), 'data-path': path + '.' + l, lang: l, dir: l === 'ar' ? 'rtl' : 'auto', maxlength: o.multiline ? '4000' : '300', required: l === 'fr' && o.required, 'aria-required': l === 'fr' && o.required ? 'true' : null };
      var c = o.multiline ? h('textarea', Object.assign({ rows: '3' }, attrs)) : h('input', Object.assign({ type: 'text' }, attrs));
      c.value = value[l] || '';
      return field(langName(l) + (l === 'fr' && o.required ? ' ' + t('form.required_mark') : ''), c);
    };
    var summary = h('summary', {});
    var others = LANGS.filter(function (l) { return l !== 'fr'; });
    var count = function () {
      var n = others.filter(function (l) { return $(idOf(l)) && $(idOf(l)).value.trim(); }).length;
      summary.textContent = t('form.translations', { filled: n, total: others.length });
    };
    var details = h('details', { class: 'translations' }, [summary].concat(others.map(box)));
    var fs = fieldset(P + '-' + key, path, o.label, [o.hint ? hint(P + '-' + key, o.hint) : null, box('fr'), details], 'local');
    fs.addEventListener('input', count);
    if (o.hint) describe(fs, P + '-' + key + '-hint', true);
    summary.textContent = t('form.translations', { filled: others.filter(function (l) { return value[l]; }).length, total: others.length });
    return fs;
  }

  function readLocal(P, key, required) {
    var out = {};
    LANGS.forEach(function (l) {
      var node = $(P + '-' + key + '-' + l);
      var v = node ? node.value.trim() : '';
      if (v) out[l] = v;
    });
    if (!Object.keys(out).length) return required ? { fr: '' } : undefined;
    return out;
  }

  /** Checkboxes for a list of values, in a fieldset: `options` are { value, label }. */
  function checkGroup(P, key, path, legend, options, selected, hintText) {
    var sel = selected || [];
    var extra = sel.filter(function (v) { return !find(options, 'value', v); }).map(function (v) { return { value: v, label: v }; });
    var boxes = options.concat(extra).map(function (o) { return check(P + '-' + key + '-' + o.value, o.label, sel.indexOf(o.value) >= 0, { value: String(o.value), 'data-group': P + '-' + key }); });
    var fs = fieldset(P + '-' + key, path, legend, [hintText ? hint(P + '-' + key, hintText) : null, h('div', { class: 'checks' }, boxes)]);
    if (hintText) describe(fs, P + '-' + key + '-hint', true);
    return fs;
  }

  function readChecks(P, key) {
    return Array.prototype.filter.call(document.querySelectorAll('[data-group="' + P + '-' + key + '"]'), function (b) { return b.checked; }).map(function (b) { return b.value; });
  }

  /**
   * A list of single values (web addresses, dates) with add and remove buttons; ids `<P>-<key>-<i>`,
   * paths `<path>.<i>`.
   */
  function valueList(P, key, path, legend, values, o) {
    var list = h('div', { class: 'value-list', id: P + '-' + key + '-items' });
    var add = h('button', { type: 'button', id: P + '-add-' + key, class: 'secondary', text: o.addLabel });
    function read() { return Array.prototype.map.call(list.querySelectorAll('input'), function (i) { return i.value; }); }
    function render(vals, focusIndex) {
      list.textContent = '';
      vals.forEach(function (v, i) {
        var c = input(P + '-' + key + '-' + i, path + '.' + i, v, Object.assign({ dir: 'ltr' }, o.attrs || {}));
        var rm = h('button', { type: 'button', class: 'secondary', 'aria-label': t('form.remove_item', { what: o.itemLabel(i + 1) }), text: t('form.remove') });
        rm.addEventListener('click', function () {
          var now = read();
          now.splice(i, 1);
          render(now, Math.min(i, now.length - 1));
          if (!now.length) add.focus();
          if (o.onChange) o.onChange();
        });
        list.appendChild(h('div', { class: 'field row' }, [h('label', { for: c.id, text: o.itemLabel(i + 1) }), h('div', { class: 'inline' }, [c, rm])]));
      });
      if (focusIndex !== undefined && focusIndex >= 0 && $(P + '-' + key + '-' + focusIndex)) $(P + '-' + key + '-' + focusIndex).focus();
    }
    add.addEventListener('click', function () { var now = read(); now.push(''); render(now, now.length - 1); });
    render(values || []);
    var fs = fieldset(P + '-' + key, path, legend, [o.hint ? hint(P + '-' + key, o.hint) : null, list, add]);
    if (o.hint) describe(fs, P + '-' + key + '-hint', true);
    return fs;
  }

  function readList(P, key) {
    var items = $(P + '-' + key + '-items');
    return Array.prototype.map.call(items.querySelectorAll('input'), function (i) { return i.value.trim(); }).filter(Boolean);
  }

  function themeOptions() { return meta.themes.map(function (x) { return { value: x.id, label: x.label }; }); }
  function communeOptions(emptyLabel) {
    return [{ value: '', label: emptyLabel }].concat(meta.communes.slice().sort(byCommune).map(function (c) { return { value: c.nis, label: communeName(c.nis) }; }));
  }
  function langOptions(list) { return list.map(function (l) { return { value: l, label: langName(l) }; }); }

  /** Heading, state line, error summary and the form; the actions bar and the panels come after. */
  function editorShell(P, title, stateLine) {
    var form = h('form', { id: P + '-form', class: 'entry-form', novalidate: true, 'aria-labelledby': P + '-title' });
    var head = [
      h('h3', { id: P + '-title', tabindex: '-1', text: title }),
      stateLine,
      h('div', { id: P + '-errors', class: 'errors', role: 'alert', tabindex: '-1', hidden: true }),
    ];
    return { form: form, head: head };
  }

  function stateLine(P, m, entry) {
    var p = h('p', { id: P + '-state', class: 'meta' });
    if (!m) return p;
    if (m.archived) p.appendChild(h('span', { class: 'badge archived', text: t('list.archived_badge') }));
    if (m.stale) p.appendChild(h('span', { class: 'badge stale', text: t('list.to_check') }));
    var parts = [];
    var checkedAt = entry.checkedAt || m.checkedAt;
    if (checkedAt) parts.push(m.checkedBy ? t('form.checked_by', { date: dayText(checkedAt), name: m.checkedBy }) : t('list.checked', { date: dayText(checkedAt) }));
    // The import signs its changes with a technical name ("catalogue:import"): said in words instead.
    var imported = !m.editedBy || String(m.editedBy).indexOf(':') >= 0;
    if (m.editedAt) parts.push(imported ? t('form.imported', { when: momentText(m.editedAt) }) : t('form.edited_by', { when: momentText(m.editedAt), name: m.editedBy }));
    else if (m.origin === 'import') parts.push(t('form.origin_import'));
    if (m.origin === 'staff' && !m.editedAt) parts.push(t('form.origin_staff'));
    p.appendChild(document.createTextNode(parts.join(' · ')));
    return p;
  }

  /** Save, preview in a language, history, and (for services) checked today, archive / restore. */
  function actionsBar(ed) {
    var P = ed.prefix;
    var bar = h('div', { class: 'form-actions' });
    bar.appendChild(h('button', { type: 'submit', id: P + '-save', text: t('form.save') }));
    var langSel = select(P + '-preview-lang', '', langOptions(LANGS), ctx.lang);
    langSel.removeAttribute('data-path');
    var preview = h('button', { type: 'button', id: P + '-preview', class: 'secondary', text: t('preview.button') });
    bar.appendChild(h('span', { class: 'inline' }, [h('label', { for: langSel.id, class: 'sr-only', text: t('preview.language') }), langSel, preview]));
    preview.addEventListener('click', function () { showPreview(ed, langSel.value); });
    if (!ed.isNew) {
      var hist = h('button', { type: 'button', id: P + '-history', class: 'secondary', text: t('history.button') });
      hist.addEventListener('click', function () { showHistory(ed); });
      bar.appendChild(hist);
    }
    if (!ed.isNew && ed.kind === 'service') {
      var checked = h('button', { type: 'button', id: P + '-check', class: 'secondary', text: t('service.check') });
      checked.addEventListener('click', function () { markChecked(ed); });
      bar.appendChild(checked);
      var archive = h('button', { type: 'button', id: P + '-archive', class: 'secondary danger', text: t('service.archive'), hidden: ed.archived });
      var restore = h('button', { type: 'button', id: P + '-restore', class: 'secondary', text: t('service.restore'), hidden: !ed.archived });
      archive.addEventListener('click', function () { confirmBox(archive, t('service.archive_confirm', { name: pick(ed.entry.name) }), t('service.archive_yes'), function () { setArchived(ed, true); }); });
      restore.addEventListener('click', function () { confirmBox(restore, t('service.restore_confirm', { name: pick(ed.entry.name) }), t('service.restore_yes'), function () { setArchived(ed, false); }); });
      bar.appendChild(archive);
      bar.appendChild(restore);
    }
    return bar;
  }

  /** Puts the form, its actions and the panels (status, preview, history) in `pane`, wires save. */
  function mount(pane, ed, shell, sections) {
    var P = ed.prefix;
    ed.form = shell.form;
    sections.forEach(function (s) { shell.form.appendChild(s); });
    shell.form.appendChild(actionsBar(ed));
    shell.form.appendChild(h('p', { id: P + '-message', class: 'status', role: 'status' }));
    pane.textContent = '';
    shell.head.forEach(function (n) { pane.appendChild(n); });
    pane.appendChild(shell.form);
    pane.appendChild(h('div', { id: P + '-preview-out', class: 'panel', hidden: true }));
    pane.appendChild(h('div', { id: P + '-history-out', class: 'panel', hidden: true }));
    var edited = function (ev) { if (ev.target.id !== P + '-preview-lang') ed.dirty = true; };
    shell.form.addEventListener('input', edited);
    shell.form.addEventListener('change', edited);
    shell.form.addEventListener('submit', function (ev) { ev.preventDefault(); save(ed); });
  }

  // --- writes -------------------------------------------------------------------------------
  function save(ed) {
    clearErrors(ed);
    status(ed, t('form.saving'));
    var draft = ed.collect();
    ed.lastDraft = draft;
    var k = KIND[ed.kind];
    var body = {};
    body[k.body] = draft;
    var req;
    if (ed.isNew) req = ctx.api('POST', BASE + k.path + langQuery(), body);
    else {
      body.revision = ed.revision;
      req = ctx.api('PUT', BASE + k.path + '/' + enc(ed.entry.id) + langQuery(), body);
    }
    return req.then(function (r) {
      ed.dirty = false;
      var id = (r && r.id) || draft.id;
      return ed.reload(id, t('form.saved')).then(function () {
        if (ed.kind === 'service') loadServices();
      });
    }).catch(function (err) { status(ed, ''); writeFailed(ed, err); });
  }

  function markChecked(ed) {
    ctx.api('POST', BASE + '/services/' + enc(ed.entry.id) + '/check' + langQuery(), { revision: ed.revision }).then(function (r) {
      ed.revision = r.revision;
      if (r.checkedAt) {
        ed.entry.checkedAt = String(r.checkedAt).slice(0, 10);
        $(ed.prefix + '-checkedAt').value = ed.entry.checkedAt;
      }
      ed.meta.stale = false;
      ed.meta.checkedBy = r.checkedBy || ed.meta.checkedBy;
      ed.meta.editedAt = new Date().toISOString();
      ed.meta.editedBy = ctx.me.name;
      $(ed.prefix + '-state').replaceWith(stateLine(ed.prefix, ed.meta, ed.entry));
      status(ed, t('service.checked_done', { date: dayText(ed.entry.checkedAt) }));
      loadServices();
    }).catch(function (err) { writeFailed(ed, err); });
  }

  function setArchived(ed, archived) {
    ctx.api('POST', BASE + '/services/' + enc(ed.entry.id) + (archived ? '/archive' : '/restore') + langQuery(), { revision: ed.revision }).then(function (r) {
      ed.revision = r.revision;
      ed.archived = archived;
      ed.meta.archived = archived;
      ed.meta.editedAt = new Date().toISOString();
      ed.meta.editedBy = ctx.me.name;
      $(ed.prefix + '-archive').hidden = archived;
      $(ed.prefix + '-restore').hidden = !archived;
      $(ed.prefix + '-state').replaceWith(stateLine(ed.prefix, ed.meta, ed.entry));
      status(ed, t(archived ? 'service.archived_done' : 'service.restored_done'));
      $(ed.prefix + (archived ? '-restore' : '-archive')).focus();
      loadServices();
    }).catch(function (err) { writeFailed(ed, err); });
  }

  // --- preview ------------------------------------------------------------------------------
  function safeHref(url) { return /^(https?:|tel:|mailto:)/i.test(String(url || '')) ? String(url) : null; }

  function cardAction(a) {
    if (a && a.type === 'Action.OpenUrl' && safeHref(a.url)) return h('a', { href: safeHref(a.url), target: '_blank', rel: 'noopener noreferrer', text: a.title || a.url });
    return h('span', { class: 'badge', text: (a && a.title) || '' });
  }

  /** Adaptive Card elements as plain HTML: TextBlock → p, FactSet → dl, actions → links. */
  function cardItems(items) {
    var out = [];
    (items || []).forEach(function (it) {
      if (!it || typeof it !== 'object') return;
      if (it.type === 'TextBlock') {
        var bold = String(it.weight || '').toLowerCase() === 'bolder';
        out.push(h('p', { class: [it.isSubtle ? 'muted' : '', it.size === 'Small' ? 'small' : ''].filter(Boolean).join(' ') || null }, [bold ? h('strong', { text: String(it.text || '') }) : String(it.text || '')]));
      } else if (it.type === 'RichTextBlock') {
        out.push(h('p', { text: (it.inlines || []).map(function (x) { return typeof x === 'string' ? x : x.text || ''; }).join('') }));
      } else if (it.type === 'FactSet') {
        var dl = h('dl', { class: 'facts' });
        (it.facts || []).forEach(function (f) { dl.appendChild(h('dt', { text: String(f.title || '') })); dl.appendChild(h('dd', { text: String(f.value || '') })); });
        out.push(dl);
      } else if (it.type === 'ActionSet') {
        out.push(h('p', { class: 'card-actions' }, (it.actions || []).map(cardAction)));
      } else if (it.type === 'Container') {
        out.push(h('div', {}, cardItems(it.items)));
      } else if (it.type === 'ColumnSet') {
        out.push(h('div', { class: 'columns' }, (it.columns || []).map(function (c) { return h('div', {}, cardItems(c.items)); })));
      } else if (it.type === 'Image' && it.altText) {
        out.push(h('p', { class: 'muted', text: it.altText }));
      }
    });
    return out;
  }

  function renderCard(card) {
    var c = card && card.content ? card.content : card;
    var box = h('div', { class: 'card' }, cardItems(c && c.body));
    if (c && c.actions && c.actions.length) box.appendChild(h('p', { class: 'card-actions' }, c.actions.map(cardAction)));
    return box;
  }

  function showPreview(ed, lang) {
    clearErrors(ed);
    var out = $(ed.prefix + '-preview-out');
    ctx.api('POST', BASE + '/preview' + langQuery(), { kind: ed.kind, entry: ed.collect(), lang: lang }).then(function (data) {
      out.textContent = '';
      out.appendChild(h('h4', { id: ed.prefix + '-preview-title', tabindex: '-1', text: t('preview.title', { language: langName(lang, true) }) }));
      out.appendChild(h('p', { class: 'hint', text: t('preview.hint') }));
      var shown = h('div', { class: 'preview', lang: lang, dir: lang === 'ar' ? 'rtl' : 'ltr' });
      if (data.text) shown.appendChild(h('p', { class: 'preview-text', text: data.text }));
      (data.cards || []).forEach(function (c) { shown.appendChild(renderCard(c)); });
      out.appendChild(shown);
      out.hidden = false;
      $(ed.prefix + '-preview-title').focus();
    }).catch(function (err) { writeFailed(ed, err); });
  }

  // --- history ------------------------------------------------------------------------------
  function fieldLabel(key) { return known('fields.' + key) ? t('fields.' + key) : key; }

  /** "name.fr" → "Name (French)", "hours.slots.0.open" → "Opening hours · n° 1 · Opens". */
  function pathWords(path) {
    var parts = String(path).split('.');
    var words = [];
    parts.forEach(function (p, i) {
      if (/^\d+$/.test(p)) words.push(t('history.item', { n: Number(p) + 1 }));
      else if (LANGS.indexOf(p) >= 0 && i > 0) words[words.length - 1] += ' (' + langName(p) + ')';
      else words.push(fieldLabel(p === 'audience' && parts[i - 1] === 'eligibility' ? 'for' : p));
    });
    return words.join(' · ');
  }

  /** A value of the history in words: themes, tags, communes, days, yes / no, dates, texts. */
  function valueWords(key, v) {
    if (v === undefined || v === null || v === '' || (Array.isArray(v) && !v.length)) return t('history.nothing');
    if (Array.isArray(v)) {
      var itemKey = { themes: 'theme', tags: 'tag', communes: 'commune', bassins: 'bassin', languages: 'language', days: 'weekday', source: 'url', exceptDates: 'date', cancelledDates: 'date', slots: 'slot' }[key] || key;
      return v.map(function (x) { return valueWords(itemKey, x); }).join(', ');
    }
    if (typeof v === 'boolean') return v ? t('form.yes') : t('form.no');
    if (typeof v === 'object') {
      var keys = Object.keys(v);
      if (keys.length && keys.every(function (k) { return LANGS.indexOf(k) >= 0; })) return keys.map(function (k) { return langName(k) + ' : ' + v[k]; }).join(' / ');
      if (key === 'slot') return (v.days || []).map(dayName).join(', ') + ' ' + (v.open || '') + '–' + (v.close || '');
      return keys.map(function (k) { return fieldLabel(k) + ' : ' + valueWords(k, v[k]); }).join(' ; ');
    }
    switch (key) {
      case 'theme': case 'themes': return themeLabel(v);
      case 'tag': return tagLabel(v);
      case 'commune': return communeName(v);
      case 'bassin': return bassinName(v);
      case 'language': return langName(v);
      case 'weekday': return dayName(v);
      case 'status': return statusWords(v);
      case 'scope': return t('area.' + v);
      case 'sex': return known('sex.' + v) ? t('sex.' + v) : v;
      case 'freq': return known('series.freq_' + v) ? t('series.freq_' + v) : v;
      case 'setPos': return known('series.pos_' + (v === -1 ? 'last' : v)) ? t('series.pos_' + (v === -1 ? 'last' : v)) : String(v);
      case 'checkedAt': case 'date': case 'from': case 'until': return dayText(v);
      case 'start': case 'end': return momentText(v);
    }
    if (CAVEAT_FIELDS.indexOf(key) >= 0 && (v === 'dated' || v === 'unverified')) return t('caveat.' + v);
    return String(v);
  }

  function changeLine(c) {
    var parts = String(c.path).split('.').filter(function (p) { return !/^\d+$/.test(p) && LANGS.indexOf(p) < 0; });
    var key = parts[parts.length - 1] || c.path;
    if (key === '(entry)') return t('history.whole_entry');
    return t('history.change', { field: pathWords(c.path), before: valueWords(key, c.before), after: valueWords(key, c.after) });
  }

  /** A person's name; the import's technical signature ("catalogue:import") is left out (the action says it). */
  function who(name) { return name && String(name).indexOf(':') < 0 ? String(name) : ''; }

  function showHistory(ed) {
    var out = $(ed.prefix + '-history-out');
    return ctx.api('GET', BASE + '/history?kind=' + enc(ed.kind) + '&id=' + enc(ed.entry.id)).then(function (data) {
      out.textContent = '';
      out.appendChild(h('h4', { id: ed.prefix + '-history-title', tabindex: '-1', text: t('history.title') }));
      var list = h('ol', { id: ed.prefix + '-history-list', class: 'history' });
      (data.entries || []).forEach(function (e, i) {
        var action = known('history.action_' + e.action) ? t('history.action_' + e.action) : e.action;
        var li = h('li', { 'data-entry': e.id }, [h('p', {}, [h('strong', { text: momentText(e.at) }), ' · ' + [who(e.byName || e.by), action].filter(Boolean).join(' · ')])]);
        var changes = e.changes || [];
        if (changes.length) li.appendChild(h('ul', { class: 'changes' }, changes.map(function (c) { return h('li', { text: changeLine(c) }); })));
        if (e.action !== 'create' && e.action !== 'import' && changes.length) {
          var revert = h('button', { type: 'button', id: ed.prefix + '-revert-' + i, class: 'secondary', 'data-revert': e.id, text: t('history.revert') });
          revert.addEventListener('click', function () {
            confirmBox(revert, t('history.revert_confirm', { when: momentText(e.at) }), t('history.revert_yes'), function () {
              ctx.api('POST', BASE + '/history/' + enc(e.id) + '/revert' + langQuery(), { revision: ed.revision }).then(function () {
                ed.dirty = false;
                return ed.reload(ed.entry.id, t('history.reverted'));
              }).then(function (fresh) {
                if (ed.kind === 'service') loadServices();
                if (fresh) return showHistory(fresh);
                return undefined;
              }).catch(function (err) { writeFailed(ed, err); });
            });
          });
          li.appendChild(h('div', { class: 'actions' }, [revert]));
        }
        list.appendChild(li);
      });
      if (!(data.entries || []).length) out.appendChild(h('p', { class: 'muted', text: t('history.empty') }));
      out.appendChild(list);
      out.hidden = false;
      $(ed.prefix + '-history-title').focus();
    }).catch(function (err) { writeFailed(ed, err); });
  }

  // --- services: list -----------------------------------------------------------------------
  function fillFilters() {
    var opts = function (sel, list) {
      var s = $(sel);
      while (s.options.length > 1) s.remove(1);
      list.forEach(function (o) { s.appendChild(h('option', { value: o.value, text: o.label })); });
    };
    opts('cat-f-theme', themeOptions());
    opts('cat-f-bassin', meta.bassins.map(function (b) { return { value: b.id, label: pick(b.name) }; }));
    opts('cat-f-commune', communeOptions('').slice(1));
    opts('cat-f-language', langOptions(meta.languages && meta.languages.length ? meta.languages : LANGS));
    opts('cat-f-tag', meta.tags.map(function (x) { return { value: x.id, label: x.label }; }).sort(function (a, b) { return a.label.localeCompare(b.label, ctx.lang); }));
    var rb = $('rdv-filter-bassin');
    rb.textContent = '';
    meta.bassins.forEach(function (b) { rb.appendChild(h('option', { value: b.id, text: pick(b.name) })); });
    var mine = (ctx.me.bassins || []).filter(function (b) { return find(meta.bassins, 'id', b); });
    if (mine.length) rb.value = mine[0];
  }

  function areaWords(s) {
    if (s.commune) return communeName(s.commune);
    if (s.bassins && s.bassins.length) return s.bassins.map(bassinName).join(', ');
    return t('area.region');
  }

  function loadServices() {
    var q = new URLSearchParams();
    var text = $('cat-q').value.trim();
    if (text) q.set('q', text);
    [['theme', 'cat-f-theme'], ['bassin', 'cat-f-bassin'], ['commune', 'cat-f-commune'], ['language', 'cat-f-language'], ['tag', 'cat-f-tag']].forEach(function (p) { if ($(p[1]).value) q.set(p[0], $(p[1]).value); });
    if ($('cat-f-stale').checked) q.set('stale', 'true');
    if ($('cat-f-archived').checked) q.set('archived', 'true');
    q.set('lang', ctx.lang);
    return ctx.api('GET', BASE + '/services?' + q.toString()).then(function (data) {
      var list = $('cat-list');
      list.textContent = '';
      var open = editors.services && !editors.services.isNew ? editors.services.entry.id : null;
      (data.services || []).forEach(function (s) {
        var words = (s.themes || []).map(themeLabel).concat((s.tags || []).map(tagLabel));
        var b = h('button', { type: 'button', class: 'row', 'data-service': s.id, 'aria-current': s.id === open ? 'true' : null }, [
          h('strong', { text: pick(s.name) }),
          s.archived ? h('span', { class: 'badge archived', text: t('list.archived_badge') }) : null,
          s.stale ? h('span', { class: 'badge stale', text: t('list.to_check') }) : null,
          h('span', { class: 'line', text: words.join(' · ') }),
          h('span', { class: 'line', text: areaWords(s) }),
          h('span', { class: 'line muted', text: s.checkedAt ? t('list.checked', { date: dayText(s.checkedAt) }) : t('list.never_checked') }),
        ]);
        b.addEventListener('click', function () { guard('services', b, function () { openService(s.id); }); });
        list.appendChild(h('li', {}, [b]));
      });
      $('cat-count').textContent = t('list.count', { n: (data.services || []).length });
    }).catch(function (err) {
      if (err && err.status === 401) return ctx.fail(err);
      sectionNotice(errorText(err));
      return undefined;
    });
  }

  function markOpen(id) {
    Array.prototype.forEach.call(document.querySelectorAll('#cat-list [data-service]'), function (b) {
      if (b.getAttribute('data-service') === id) b.setAttribute('aria-current', 'true');
      else b.removeAttribute('aria-current');
    });
  }

  function openService(id, message) {
    return ctx.api('GET', BASE + '/services/' + enc(id)).then(function (data) {
      var ed = serviceForm(data.service, data.meta || {}, false);
      markOpen(id);
      if (message) status(ed, message);
      $('svc-title').focus();
      return ed;
    }).catch(function (err) {
      if (err && err.status === 401) return ctx.fail(err);
      sectionNotice(errorText(err));
      return undefined;
    });
  }

  // --- services: the form -------------------------------------------------------------------
  function slug(text) {
    return String(text || '').normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60);
  }

  function slotsBlock(P, slots) {
    var box = h('div', { id: P + '-slots-items' });
    var add = h('button', { type: 'button', id: P + '-add-slot', class: 'secondary', text: t('hours.add_slot') });
    function read() {
      return Array.prototype.map.call(box.querySelectorAll('[data-slot]'), function (fs) {
        var i = fs.getAttribute('data-slot');
        return { days: readChecks(P, 'slot-' + i + '-day').map(Number), open: $(P + '-slot-' + i + '-open').value.trim(), close: $(P + '-slot-' + i + '-close').value.trim() };
      });
    }
    function render(list, focus) {
      box.textContent = '';
      list.forEach(function (sl, i) {
        var days = [1, 2, 3, 4, 5, 6, 7].map(function (d) { return { value: d, label: dayName(d) }; });
        var group = checkGroup(P, 'slot-' + i + '-day', 'hours.slots.' + i + '.days', t('hours.days'), days, (sl.days || []).map(Number));
        var rm = h('button', { type: 'button', class: 'secondary', text: t('form.remove'), 'aria-label': t('form.remove_item', { what: t('hours.slot', { n: i + 1 }) }) });
        rm.addEventListener('click', function () { var now = read(); now.splice(i, 1); render(now); add.focus(); });
        var fs = fieldset(P + '-slot-' + i, 'hours.slots.' + i, t('hours.slot', { n: i + 1 }), [
          group,
          h('div', { class: 'pair' }, [
            field(t('fields.open'), input(P + '-slot-' + i + '-open', 'hours.slots.' + i + '.open', sl.open, { inputmode: 'numeric', maxlength: '5', placeholder: '09:00', dir: 'ltr', autocomplete: 'off' })),
            field(t('fields.close'), input(P + '-slot-' + i + '-close', 'hours.slots.' + i + '.close', sl.close, { inputmode: 'numeric', maxlength: '5', placeholder: '17:00', dir: 'ltr', autocomplete: 'off' })),
          ]),
          rm,
        ], 'slot');
        fs.setAttribute('data-slot', String(i));
        box.appendChild(fs);
      });
      if (focus !== undefined && $(P + '-slot-' + focus + '-day-1')) $(P + '-slot-' + focus + '-day-1').focus();
    }
    add.addEventListener('click', function () { var now = read(); now.push({ days: [], open: '', close: '' }); render(now, now.length - 1); });
    render(slots || []);
    return { node: fieldset(P + '-slots', 'hours.slots', t('fields.slots'), [hint(P + '-slots', t('hours.hint')), box, add]), read: read };
  }

  function serviceForm(entry, m, isNew) {
    var P = 'svc';
    var s = clone(entry);
    var ed = { kind: 'service', prefix: P, entry: s, meta: m, revision: m.revision || 0, isNew: isNew, archived: Boolean(m.archived), dirty: false };
    ed.reload = function (id, message) { return openService(id, message); };
    editors.services = ed;
    var el = s.eligibility || {};
    var area = s.area || { scope: 'region' };
    var addr = s.address || {};
    var hours = s.hours || {};
    var caveats = s.caveats || {};
    var shell = editorShell(P, isNew ? t('service.new_title') : pick(s.name), stateLine(P, isNew ? null : m, s));

    var idBox = input(P + '-id', 'id', s.id, { maxlength: '80', autocomplete: 'off', spellcheck: 'false', dir: 'ltr', required: true, 'aria-required': 'true' });
    var idTouched = Boolean(s.id);
    idBox.addEventListener('input', function () { idTouched = true; });
    var main = fieldset(P + '-main', '', t('service.section_main'), [
      isNew ? field(t('fields.id'), idBox, t('hints.id')) : h('p', { class: 'meta', text: t('form.id_is', { id: s.id }) }),
      localField(P, 'name', 'name', s.name, { label: t('fields.name'), required: true }),
      field(t('fields.organisation'), input(P + '-organisation', 'organisation', s.organisation, { maxlength: '200' })),
      localField(P, 'description', 'description', s.description, { label: t('fields.description'), required: true, multiline: true }),
      localField(P, 'audience', 'audience', s.audience, { label: t('fields.audience'), required: true, multiline: true, hint: t('hints.audience') }),
    ]);
    if (isNew) {
      main.addEventListener('input', function (ev) {
        if (ev.target.id === P + '-name-fr' && !idTouched) idBox.value = slug(ev.target.value);
      });
    }

    var conditions = fieldset(P + '-conditions', '', t('service.section_conditions'), [
      localField(P, 'cost', 'cost', s.cost, { label: t('fields.cost'), multiline: true }),
      triState(P + '-free', 'free', t('fields.free'), s.free),
      localField(P, 'accessConditions', 'accessConditions', s.accessConditions, { label: t('fields.accessConditions'), multiline: true }),
      localField(P, 'proContact', 'proContact', s.proContact, { label: t('fields.proContact'), multiline: true, hint: t('hints.proContact') }),
    ]);

    var themes = checkGroup(P, 'theme', 'themes', t('fields.themes'), themeOptions(), s.themes);
    var tags = checkGroup(P, 'tag', 'tags', t('fields.tags'), meta.tags.map(function (x) { return { value: x.id, label: x.label }; }), s.tags, t('hints.tags'));

    var eligibility = fieldset(P + '-eligibility', 'eligibility', t('fields.eligibility'), [
      hint(P + '-eligibility', t('hints.eligibility')),
      h('div', { class: 'pair' }, [
        field(t('fields.ageMin'), input(P + '-ageMin', 'eligibility.ageMin', el.ageMin, { type: 'number', min: '0', max: '120', inputmode: 'numeric' })),
        field(t('fields.ageMax'), input(P + '-ageMax', 'eligibility.ageMax', el.ageMax, { type: 'number', min: '0', max: '120', inputmode: 'numeric' })),
      ]),
      field(t('fields.sex'), select(P + '-sex', 'eligibility.sex', [{ value: '', label: t('sex.any') }, { value: 'female', label: t('sex.female') }, { value: 'male', label: t('sex.male') }], el.sex)),
    ].concat(ELIGIBILITY_FLAGS.map(function (k) { return triState(P + '-' + k, 'eligibility.' + k, t('fields.' + k), el[k]); })).concat([
      checkGroup(P, 'for', 'eligibility.audience', t('fields.for'), [{ value: 'resident', label: t('eligibility.resident') }, { value: 'professional', label: t('eligibility.professional') }], el.audience, t('hints.for')),
    ]));

    var scopeRadio = function (scope) {
      var r = h('input', { type: 'radio', name: P + '-scope', id: P + '-scope-' + scope, value: scope });
      r.checked = area.scope === scope;
      return h('label', { class: 'check', for: r.id }, [r, h('span', { text: t('area.' + scope) })]);
    };
    var bassinGroup = checkGroup(P, 'area-bassin', 'area.bassins', t('fields.bassins'), meta.bassins.map(function (b) { return { value: b.id, label: pick(b.name) }; }), area.bassins);
    var communeGroup = checkGroup(P, 'area-commune', 'area.communes', t('fields.communes'), meta.communes.slice().sort(byCommune).map(function (c) { return { value: c.nis, label: communeName(c.nis) }; }), area.communes);
    var areaFs = fieldset(P + '-area', 'area', t('fields.area'), [hint(P + '-area', t('hints.area')), h('div', { class: 'checks', role: 'radiogroup', 'aria-label': t('fields.scope') }, ['region', 'bassin', 'commune'].map(scopeRadio)), bassinGroup, communeGroup]);
    var showScope = function () {
      var scope = (areaFs.querySelector('input[name="' + P + '-scope"]:checked') || {}).value;
      bassinGroup.hidden = scope !== 'bassin';
      communeGroup.hidden = scope !== 'commune';
    };
    areaFs.addEventListener('change', showScope);
    showScope();

    var address = fieldset(P + '-address', 'address', t('fields.address'), [
      hint(P + '-address', t('hints.address')),
      field(t('fields.street'), input(P + '-street', 'address.street', addr.street, { maxlength: '200', autocomplete: 'off' })),
      h('div', { class: 'pair' }, [
        field(t('fields.postalCode'), input(P + '-postalCode', 'address.postalCode', addr.postalCode, { maxlength: '4', inputmode: 'numeric', dir: 'ltr', autocomplete: 'off' })),
        field(t('fields.commune'), select(P + '-address-commune', 'address.commune', communeOptions(t('form.choose')), addr.commune)),
      ]),
    ]);

    var contact = fieldset(P + '-contact', '', t('service.section_contact'), [
      field(t('fields.phone'), input(P + '-phone', 'phone', s.phone, { type: 'tel', maxlength: '20', dir: 'ltr', autocomplete: 'off' }), t('hints.phone')),
      field(t('fields.email'), input(P + '-email', 'email', s.email, { type: 'email', maxlength: '200', dir: 'ltr', autocomplete: 'off' })),
      field(t('fields.website'), input(P + '-website', 'website', s.website, { type: 'url', maxlength: '500', dir: 'ltr', autocomplete: 'off', placeholder: 'https://' })),
    ]);

    var slots = slotsBlock(P, hours.slots);
    var hoursFs = fieldset(P + '-hours', 'hours', t('fields.hours'), [
      check(P + '-alwaysOpen', t('fields.alwaysOpen'), hours.alwaysOpen, { 'data-path': 'hours.alwaysOpen' }),
      slots.node,
      localField(P, 'hoursNote', 'hours.note', hours.note, { label: t('fields.note'), multiline: true, hint: t('hints.hours_note') }),
    ]);

    // Only languages the browser can name (a code is no word); one the entry already has stays.
    var spoken = SPOKEN.filter(function (l) { return LANGS.indexOf(l) >= 0 || langName(l) !== l; });
    var languages = checkGroup(P, 'lang', 'languages', t('fields.languages'), langOptions(spoken), s.languages);

    var caveatFs = fieldset(P + '-caveats', 'caveats', t('fields.caveats'), [hint(P + '-caveats', t('hints.caveats')), h('div', { class: 'pair wrap' }, CAVEAT_FIELDS.map(function (k) {
      return field(fieldLabel(k), select(P + '-caveat-' + k, 'caveats.' + k, [{ value: '', label: t('caveat.none') }, { value: 'dated', label: t('caveat.dated') }, { value: 'unverified', label: t('caveat.unverified') }], caveats[k]));
    }))]);

    var sources = fieldset(P + '-check-block', '', t('service.section_sources'), [
      valueList(P, 'source', 'source', t('fields.source'), (s.source && s.source.length) ? s.source : [''], { addLabel: t('form.add_source'), itemLabel: function (n) { return t('form.source_n', { n: n }); }, attrs: { type: 'url', maxlength: '500', placeholder: 'https://' }, hint: t('hints.source') }),
      field(t('fields.checkedAt'), input(P + '-checkedAt', 'checkedAt', s.checkedAt, { type: 'date' }), t('hints.checkedAt')),
    ]);

    ed.collect = function () {
      var out = clone(ed.entry) || {};
      var set = function (k, v) { if (v === undefined || v === '' || (Array.isArray(v) && !v.length)) delete out[k]; else out[k] = v; };
      out.id = isNew ? $(P + '-id').value.trim() : ed.entry.id;
      out.name = readLocal(P, 'name', true);
      set('organisation', $(P + '-organisation').value.trim());
      out.description = readLocal(P, 'description', true);
      out.audience = readLocal(P, 'audience', true);
      set('cost', readLocal(P, 'cost'));
      set('free', readTri(P + '-free'));
      set('accessConditions', readLocal(P, 'accessConditions'));
      set('proContact', readLocal(P, 'proContact'));
      out.themes = readChecks(P, 'theme');
      out.tags = readChecks(P, 'tag');
      var elig = {};
      ['ageMin', 'ageMax'].forEach(function (k) { var v = $(P + '-' + k).value.trim(); if (v !== '') elig[k] = Number(v); });
      if ($(P + '-sex').value) elig.sex = $(P + '-sex').value;
      ELIGIBILITY_FLAGS.forEach(function (k) { var v = readTri(P + '-' + k); if (v !== undefined) elig[k] = v; });
      var aud = readChecks(P, 'for');
      if (aud.length) elig.audience = aud;
      out.eligibility = elig;
      var scope = (document.querySelector('input[name="' + P + '-scope"]:checked') || { value: 'region' }).value;
      out.area = scope === 'bassin' ? { scope: 'bassin', bassins: readChecks(P, 'area-bassin') } : scope === 'commune' ? { scope: 'commune', communes: readChecks(P, 'area-commune') } : { scope: 'region' };
      var street = $(P + '-street').value.trim();
      var postal = $(P + '-postalCode').value.trim();
      var ac = $(P + '-address-commune').value;
      set('address', street || postal || ac ? { street: street, postalCode: postal, commune: ac } : undefined);
      set('phone', $(P + '-phone').value.trim());
      set('email', $(P + '-email').value.trim());
      set('website', $(P + '-website').value.trim());
      var hr = {};
      if ($(P + '-alwaysOpen').checked) hr.alwaysOpen = true;
      var sl = slots.read().filter(function (x) { return x.days.length || x.open || x.close; });
      if (sl.length) hr.slots = sl;
      var note = readLocal(P, 'hoursNote');
      if (note) hr.note = note;
      set('hours', Object.keys(hr).length ? hr : undefined);
      set('languages', readChecks(P, 'lang'));
      var cav = {};
      CAVEAT_FIELDS.forEach(function (k) { if ($(P + '-caveat-' + k).value) cav[k] = $(P + '-caveat-' + k).value; });
      set('caveats', Object.keys(cav).length ? cav : undefined);
      out.source = readList(P, 'source');
      out.checkedAt = $(P + '-checkedAt').value;
      return out;
    };

    mount($('cat-editor'), ed, shell, [main, conditions, themes, tags, eligibility, areaFs, address, contact, hoursFs, languages, caveatFs, sources]);
    return ed;
  }

  function newService() {
    serviceForm({ id: '', name: { fr: '' }, description: { fr: '' }, audience: { fr: '' }, themes: [], tags: [], eligibility: {}, area: { scope: 'region' }, source: [''], checkedAt: today() }, {}, true);
    markOpen(null);
    $('svc-title').focus();
  }

  // --- Rendez-vous: the list of a bassin ------------------------------------------------------
  /** An entry of GET /rendezvous, with its meta beside it or in `meta`. */
  function splitMeta(x) {
    var entry = clone(x);
    var m = {};
    if (entry.meta) { m = entry.meta; delete entry.meta; }
    META_KEYS.forEach(function (k) { if (k in entry) { if (!(k in m)) m[k] = entry[k]; delete entry[k]; } });
    return { entry: entry, meta: m };
  }

  var POS = { 1: '1', 2: '2', 3: '3', 4: '4', '-1': 'last' };

  /** "Every first Tuesday of the month, 14:00–16:00, except school holidays." */
  function ruleWords(r) {
    if (!r || !r.weekday) return '';
    var n = Number(r.interval || 1);
    var times = { day: dayName(r.weekday), start: r.startTime || '', end: r.endTime || '', n: n, pos: t('series.pos_' + (POS[String(r.setPos)] || '1')) };
    var text = r.freq === 'monthly' ? t(n > 1 ? 'series.summary_monthly_n' : 'series.summary_monthly', times) : t(n > 1 ? 'series.summary_weekly_n' : 'series.summary_weekly', times);
    if (r.skipSchoolHolidays) text += t('series.summary_holidays');
    if (r.from) text += '. ' + (r.until ? t('series.summary_from_until', { from: dayText(r.from), until: dayText(r.until) }) : t('series.summary_from', { from: dayText(r.from) }));
    return text;
  }

  function loadRdv() {
    var b = $('rdv-filter-bassin').value;
    return ctx.api('GET', BASE + '/rendezvous' + langQuery() + (b ? '&bassin=' + enc(b) : '')).then(function (data) {
      rdvData = { rendezvous: data.rendezvous || [], series: data.series || [], sessions: data.sessions || [] };
      renderRdv();
      var ed = editors.rdv;
      if (ed && ed.kind === 'series' && !ed.isNew) {
        var fresh = findEntry('series', ed.entry.id);
        if (fresh) { ed.revision = fresh.meta.revision; ed.entry.cancelledDates = fresh.entry.cancelledDates || []; if (ed.renderCancelled) ed.renderCancelled(); }
      }
      return rdvData;
    }).catch(function (err) {
      if (err && err.status === 401) return ctx.fail(err);
      sectionNotice(errorText(err));
      return undefined;
    });
  }

  function findEntry(kind, id) {
    var list = kind === 'series' ? rdvData.series : rdvData.rendezvous;
    for (var i = 0; i < list.length; i++) {
      var x = splitMeta(list[i]);
      if (x.entry.id === id) return x;
    }
    return null;
  }

  function openRdv(kind, id, message) {
    var found = findEntry(kind, id);
    if (!found) return Promise.resolve(undefined);
    var ed = kind === 'series' ? seriesForm(found.entry, found.meta, false) : rendezvousForm(found.entry, found.meta, false);
    if (message) status(ed, message);
    $(ed.prefix + '-title').focus();
    return Promise.resolve(ed);
  }

  /** After a write: the list of the entry's bassin again, and the entry from it. */
  function reloadRdv(kind) {
    return function (id, message) {
      var old = editors.rdv;
      var b = old && old.lastDraft && old.lastDraft.bassin;
      if (b && find(meta.bassins, 'id', b)) $('rdv-filter-bassin').value = b;
      return loadRdv().then(function () { return openRdv(kind, id, message); }).then(function (ed) {
        if (!ed && old) status(old, message || '');
        return ed;
      });
    };
  }

  function sessionDate(s) { return s.start ? wall(new Date(s.start)).date : ''; }

  function renderRdv() {
    var list = $('rdv-sessions');
    list.textContent = '';
    rdvData.sessions.forEach(function (s, i) {
      var cancelled = s.status === 'cancelled';
      var when = sessionWhen(s.start, s.end);
      var line = h('p', {}, [cancelled ? h('s', { text: when }) : h('strong', { text: when }), h('span', { class: 'badge ' + s.status, text: statusWords(s.status) })]);
      var li = h('li', { class: 'session' + (cancelled ? ' cancelled' : ''), 'data-session': s.id }, [line, h('p', { class: cancelled ? 'struck' : null, text: [pick(s.title), pick(s.place)].filter(Boolean).join(' · ') })]);
      var buttons = [];
      var series = s.seriesId ? findEntry('series', s.seriesId) : null;
      if (series) {
        var date = sessionDate(s);
        var one = (series.entry.cancelledDates || []).indexOf(date) >= 0;
        if (!cancelled) {
          var cancel = h('button', { type: 'button', id: 'rdv-cancel-' + i, class: 'secondary danger', 'data-cancel': date, text: t('rdv.cancel_session') });
          cancel.addEventListener('click', function () {
            confirmBox(cancel, t('rdv.cancel_confirm', { when: when, title: pick(s.title) }), t('rdv.cancel_yes'), function () { cancelSession(series, date, true); });
          });
          buttons.push(cancel);
        } else if (one && series.entry.status !== 'cancelled') {
          var back = h('button', { type: 'button', id: 'rdv-uncancel-' + i, class: 'secondary', 'data-uncancel': date, text: t('rdv.uncancel_session') });
          back.addEventListener('click', function () {
            confirmBox(back, t('rdv.uncancel_confirm', { when: when }), t('rdv.uncancel_yes'), function () { cancelSession(series, date, false); });
          });
          buttons.push(back);
        }
      }
      var edit = h('button', { type: 'button', class: 'secondary', text: s.seriesId ? t('rdv.edit_series') : t('rdv.edit_session') });
      edit.addEventListener('click', function () { guard('rdv', edit, function () { openRdv(s.seriesId ? 'series' : 'rendezvous', s.seriesId || s.id); }); });
      buttons.push(edit);
      li.appendChild(h('div', { class: 'actions' }, buttons));
      list.appendChild(li);
    });
    $('rdv-sessions-empty').hidden = rdvData.sessions.length > 0;

    var sl = $('series-list');
    sl.textContent = '';
    rdvData.series.forEach(function (x) {
      var e = splitMeta(x).entry;
      var b = h('button', { type: 'button', class: 'row', 'data-series': e.id }, [h('strong', { text: pick(e.title) }), h('span', { class: 'badge ' + e.status, text: statusWords(e.status) }), h('span', { class: 'line', text: ruleWords(e.rule) }), h('span', { class: 'line muted', text: [pick(e.place), communeName(e.commune)].filter(Boolean).join(' · ') })]);
      b.addEventListener('click', function () { guard('rdv', b, function () { openRdv('series', e.id); }); });
      sl.appendChild(h('li', {}, [b]));
    });
    $('series-empty').hidden = rdvData.series.length > 0;

    var rl = $('rdv-list');
    rl.textContent = '';
    rdvData.rendezvous.forEach(function (x) {
      var e = splitMeta(x).entry;
      var b = h('button', { type: 'button', class: 'row', 'data-rendezvous': e.id }, [h('strong', { text: pick(e.title) }), h('span', { class: 'badge ' + e.status, text: statusWords(e.status) }), h('span', { class: 'line', text: e.start ? sessionWhen(e.start, e.end) : t('rdv.no_date') }), h('span', { class: 'line muted', text: [pick(e.place), communeName(e.commune)].filter(Boolean).join(' · ') })]);
      b.addEventListener('click', function () { guard('rdv', b, function () { openRdv('rendezvous', e.id); }); });
      rl.appendChild(h('li', {}, [b]));
    });
    $('rdv-list-empty').hidden = rdvData.rendezvous.length > 0;
  }

  function cancelSession(series, date, cancel) {
    ctx.api('POST', BASE + '/series/' + enc(series.entry.id) + (cancel ? '/cancel' : '/uncancel') + langQuery(), { date: date, revision: series.meta.revision }).then(function () {
      return loadRdv();
    }).then(function () {
      $('rdv-list-status').textContent = t(cancel ? 'rdv.cancelled_done' : 'rdv.uncancelled_done', { date: dayText(date) });
    }).catch(function (err) {
      if (err && err.status === 401) return ctx.fail(err);
      $('rdv-list-status').textContent = errorText(err);
      return undefined;
    });
  }

  // --- Rendez-vous: the forms ---------------------------------------------------------------
  /** The commune decides the bassin: the bassin list keeps the commune's bassins (one: chosen). */
  function bassinFollows(P) {
    var c = find(meta.communes, 'nis', $(P + '-commune').value);
    var sel = $(P + '-entry-bassin');
    var allowed = c ? c.bassins : meta.bassins.map(function (b) { return b.id; });
    Array.prototype.forEach.call(sel.options, function (o) { o.hidden = allowed.indexOf(o.value) < 0; o.disabled = allowed.indexOf(o.value) < 0; });
    if (allowed.indexOf(sel.value) < 0) sel.value = allowed[0] || '';
  }

  /** What one-off sessions and series share: title, themes, where, who, languages, registration. */
  function placeBlocks(P, e) {
    var addr = e.address || {};
    var reg = e.registration || {};
    var commune = select(P + '-commune', 'commune', communeOptions(t('form.choose')), e.commune);
    var bassin = select(P + '-entry-bassin', 'bassin', meta.bassins.map(function (b) { return { value: b.id, label: pick(b.name) }; }), e.bassin || $('rdv-filter-bassin').value);
    commune.addEventListener('change', function () { bassinFollows(P); });
    var where = fieldset(P + '-where', '', t('rdv.section_where'), [
      localField(P, 'place', 'place', e.place, { label: t('fields.place'), required: true, hint: t('hints.place') }),
      field(t('fields.street'), input(P + '-street', 'address.street', addr.street, { maxlength: '200', autocomplete: 'off' })),
      h('div', { class: 'pair' }, [
        field(t('fields.postalCode'), input(P + '-postalCode', 'address.postalCode', addr.postalCode, { maxlength: '4', inputmode: 'numeric', dir: 'ltr', autocomplete: 'off' })),
        field(t('fields.commune'), commune),
        field(t('fields.bassin'), bassin, t('hints.bassin_follows')),
      ]),
      localField(P, 'access', 'access', e.access, { label: t('fields.access'), multiline: true, hint: t('hints.access') }),
    ]);
    setTimeout(function () { if ($(P + '-commune') && $(P + '-commune').value) bassinFollows(P); }, 0);
    var who = fieldset(P + '-who', '', t('rdv.section_who'), [
      localField(P, 'audience', 'audience', e.audience, { label: t('fields.audience'), required: true, multiline: true }),
      checkGroup(P, 'lang', 'languages', t('fields.languages_rdv'), langOptions(LANGS), e.languages),
      check(P + '-reg-required', t('fields.registration_required'), reg.required, { 'data-path': 'registration.required' }),
      field(t('fields.registration_contact'), input(P + '-reg-contact', 'registration.contact', reg.contact, { maxlength: '200', autocomplete: 'off' }), t('hints.registration_contact')),
    ]);
    return {
      title: localField(P, 'title', 'title', e.title, { label: t('fields.title'), required: true }),
      themes: checkGroup(P, 'theme', 'themes', t('fields.themes'), themeOptions(), e.themes),
      where: where,
      who: who,
    };
  }

  function readPlace(P, out, oneOff) {
    var set = function (k, v) { if (v === undefined || v === '' || (Array.isArray(v) && !v.length)) delete out[k]; else out[k] = v; };
    out.title = readLocal(P, 'title', true);
    out.themes = readChecks(P, 'theme');
    out.place = readLocal(P, 'place', true);
    var street = $(P + '-street').value.trim();
    var postal = $(P + '-postalCode').value.trim();
    set('address', street || postal ? { street: street, postalCode: postal } : undefined);
    set('access', readLocal(P, 'access'));
    out.commune = $(P + '-commune').value;
    out.bassin = $(P + '-entry-bassin').value;
    out.audience = readLocal(P, 'audience', true);
    set('languages', readChecks(P, 'lang'));
    var required = $(P + '-reg-required').checked;
    var contact = $(P + '-reg-contact').value.trim();
    var reg = { required: required };
    if (contact) reg.contact = contact;
    set('registration', required || contact || !oneOff ? reg : undefined);
  }

  function statusBlock(P, e) {
    return field(t('fields.status'), select(P + '-status', 'status', ['confirmed', 'provisional', 'cancelled'].map(function (v) { return { value: v, label: statusWords(v) }; }), e.status || 'provisional'), t('hints.status'));
  }

  function sourcesBlock(P, e) {
    return fieldset(P + '-check-block', '', t('service.section_sources'), [
      valueList(P, 'source', 'source', t('fields.source'), (e.source && e.source.length) ? e.source : [''], { addLabel: t('form.add_source'), itemLabel: function (n) { return t('form.source_n', { n: n }); }, attrs: { type: 'url', maxlength: '500', placeholder: 'https://' }, hint: t('hints.source') }),
      field(t('fields.checkedAt'), input(P + '-checkedAt', 'checkedAt', e.checkedAt, { type: 'date' }), t('hints.checkedAt')),
    ]);
  }

  function idBlock(P, e, isNew) {
    if (!isNew) return h('p', { class: 'meta', text: t('form.id_is', { id: e.id }) });
    var idBox = input(P + '-id', 'id', e.id, { maxlength: '80', autocomplete: 'off', spellcheck: 'false', dir: 'ltr', required: true, 'aria-required': 'true' });
    return field(t('fields.id'), idBox, t('hints.id'));
  }

  /** A new session's id follows its place (the title is often the same for all), until someone types one. */
  function suggestId(form, P, from) {
    var idBox = $(P + '-id');
    if (!idBox) return;
    var touched = Boolean(idBox.value);
    idBox.addEventListener('input', function () { touched = true; });
    form.addEventListener('input', function (ev) {
      if (touched || (ev.target.id !== P + '-title-fr' && ev.target.id !== P + '-place-fr')) return;
      idBox.value = slug(from + '-' + ($(P + '-place-fr').value.trim() || $(P + '-title-fr').value));
    });
  }

  function rendezvousForm(entry, m, isNew) {
    var P = 'rdv';
    var e = clone(entry);
    var ed = { kind: 'rendezvous', prefix: P, entry: e, meta: m, revision: m.revision || 0, isNew: isNew, dirty: false, reload: reloadRdv('rendezvous') };
    editors.rdv = ed;
    var start = e.start ? wall(new Date(e.start)) : { date: '', time: '' };
    var end = e.end ? wall(new Date(e.end)) : { date: '', time: '' };
    var shell = editorShell(P, isNew ? t('rdv.new_session_title') : pick(e.title), stateLine(P, isNew ? null : m, e));
    var b = placeBlocks(P, e);
    var whenFs = fieldset(P + '-when', '', t('rdv.section_when'), [
      hint(P + '-when', t('hints.session_when')),
      h('div', { class: 'pair' }, [
        field(t('fields.date'), input(P + '-date', 'start', start.date, { type: 'date' })),
        field(t('fields.startTime'), input(P + '-start', 'startTime', start.time, { inputmode: 'numeric', maxlength: '5', placeholder: '14:00', dir: 'ltr', autocomplete: 'off' })),
        field(t('fields.endTime'), input(P + '-end', 'end', end.time, { inputmode: 'numeric', maxlength: '5', placeholder: '16:00', dir: 'ltr', autocomplete: 'off' })),
      ]),
      localField(P, 'recurrence', 'recurrence', e.recurrence, { label: t('fields.recurrence'), multiline: true, hint: t('hints.recurrence') }),
      statusBlock(P, e),
    ]);
    var main = fieldset(P + '-main', '', t('rdv.section_main'), [idBlock(P, e, isNew), b.title]);
    ed.collect = function () {
      var out = clone(ed.entry) || {};
      out.id = isNew ? $(P + '-id').value.trim() : ed.entry.id;
      readPlace(P, out, true);
      var date = $(P + '-date').value;
      var st = $(P + '-start').value.trim();
      var en = $(P + '-end').value.trim();
      out.start = date ? brusselsIso(date, st || '00:00') : null;
      out.end = date && en ? brusselsIso(date, en) : null;
      var rec = readLocal(P, 'recurrence');
      if (rec) out.recurrence = rec;
      else delete out.recurrence;
      out.status = $(P + '-status').value;
      out.source = readList(P, 'source');
      out.checkedAt = $(P + '-checkedAt').value;
      return out;
    };
    mount($('rdv-editor'), ed, shell, [main, b.themes, whenFs, b.where, b.who, sourcesBlock(P, e)]);
    suggestId(ed.form, P, 'rdv');
    return ed;
  }

  function seriesForm(entry, m, isNew) {
    var P = 'series';
    var e = clone(entry);
    var r = e.rule || {};
    var ed = { kind: 'series', prefix: P, entry: e, meta: m, revision: m.revision || 0, isNew: isNew, dirty: false, reload: reloadRdv('series') };
    editors.rdv = ed;
    var shell = editorShell(P, isNew ? t('rdv.new_series_title') : pick(e.title), stateLine(P, isNew ? null : m, e));
    var b = placeBlocks(P, e);
    var freqRadio = function (f) {
      var radio = h('input', { type: 'radio', name: P + '-freq', id: P + '-freq-' + f, value: f, 'data-path': 'rule.freq' });
      radio.checked = (r.freq || 'monthly') === f;
      return h('label', { class: 'check', for: radio.id }, [radio, h('span', { text: t('series.freq_' + f) })]);
    };
    var days = [1, 2, 3, 4, 5, 6, 7].map(function (d) { return { value: String(d), label: dayName(d) }; });
    var posSel = select(P + '-setpos', 'rule.setPos', ['1', '2', '3', '4', '-1'].map(function (p) { return { value: p, label: t('series.pos_' + POS[p]) }; }), r.setPos === undefined ? '1' : String(r.setPos));
    var intervalBox = input(P + '-interval', 'rule.interval', r.interval || 1, { type: 'number', min: '1', max: '52', inputmode: 'numeric' });
    var intervalField = field(t('series.interval_monthly'), intervalBox);
    var posField = field(t('fields.setPos'), posSel);
    var summary = h('p', { id: P + '-summary', class: 'summary', 'aria-live': 'polite' });
    var except = valueList(P, 'except', 'rule.exceptDates', t('fields.exceptDates'), r.exceptDates || [], { addLabel: t('series.add_except'), itemLabel: function (n) { return t('series.except_n', { n: n }); }, attrs: { type: 'date' }, hint: t('hints.exceptDates') });
    var holidays = h('details', { class: 'closures', id: P + '-closures' }, [h('summary', { text: t('series.closures_show') }), h('ul', { id: P + '-closures-list' })]);
    var ruleFs = fieldset(P + '-rule', 'rule', t('series.section_rule'), [
      h('div', { class: 'checks', role: 'radiogroup', 'aria-label': t('fields.freq') }, ['weekly', 'monthly'].map(freqRadio)),
      h('div', { class: 'pair' }, [posField, field(t('fields.weekday'), select(P + '-weekday', 'rule.weekday', days, String(r.weekday || 2))), intervalField]),
      h('div', { class: 'pair' }, [
        field(t('fields.startTime'), input(P + '-start', 'rule.startTime', r.startTime, { inputmode: 'numeric', maxlength: '5', placeholder: '14:00', dir: 'ltr', autocomplete: 'off' })),
        field(t('fields.endTime'), input(P + '-end', 'rule.endTime', r.endTime, { inputmode: 'numeric', maxlength: '5', placeholder: '16:00', dir: 'ltr', autocomplete: 'off' })),
      ]),
      h('div', { class: 'pair' }, [
        field(t('fields.from'), input(P + '-from', 'rule.from', r.from || today(), { type: 'date' })),
        field(t('fields.until'), input(P + '-until', 'rule.until', r.until, { type: 'date' }), t('hints.until')),
      ]),
      check(P + '-skip-holidays', t('fields.skipSchoolHolidays'), r.skipSchoolHolidays, { 'data-path': 'rule.skipSchoolHolidays' }),
      holidays,
      except,
      summary,
    ]);
    var cancelledBox = h('div', { id: P + '-cancelled' });
    ed.renderCancelled = function () {
      cancelledBox.textContent = '';
      var dates = (ed.entry.cancelledDates || []).slice().sort();
      if (!dates.length || isNew) return;
      var found = { entry: ed.entry, meta: { revision: ed.revision } };
      cancelledBox.appendChild(h('h4', { text: t('series.cancelled_dates') }));
      cancelledBox.appendChild(h('ul', { class: 'plain' }, dates.map(function (d) {
        var back = h('button', { type: 'button', class: 'secondary', 'data-uncancel': d, text: t('rdv.uncancel_session') });
        back.addEventListener('click', function () { confirmBox(back, t('rdv.uncancel_confirm', { when: dayText(d) }), t('rdv.uncancel_yes'), function () { found.meta.revision = ed.revision; cancelSession(found, d, false); }); });
        return h('li', {}, [h('span', { text: dayText(d) + ' ' }), back]);
      })));
    };
    var readRule = function () {
      var rule = clone(ed.entry.rule) || {};
      var freq = (document.querySelector('input[name="' + P + '-freq"]:checked') || { value: 'monthly' }).value;
      rule.freq = freq;
      var n = $(P + '-interval').value.trim();
      if (n === '' || n === '1') delete rule.interval;
      else rule.interval = Number(n);
      rule.weekday = Number($(P + '-weekday').value);
      if (freq === 'monthly') rule.setPos = Number($(P + '-setpos').value);
      else delete rule.setPos;
      rule.startTime = $(P + '-start').value.trim();
      rule.endTime = $(P + '-end').value.trim();
      rule.from = $(P + '-from').value;
      var until = $(P + '-until').value;
      if (until) rule.until = until;
      else delete rule.until;
      rule.skipSchoolHolidays = $(P + '-skip-holidays').checked;
      rule.exceptDates = readList(P, 'except');
      return rule;
    };
    var refresh = function () {
      var freq = (document.querySelector('input[name="' + P + '-freq"]:checked') || { value: 'monthly' }).value;
      posField.hidden = freq !== 'monthly';
      intervalField.querySelector('label').textContent = t(freq === 'monthly' ? 'series.interval_monthly' : 'series.interval_weekly');
      summary.textContent = ruleWords(readRule());
    };
    ruleFs.addEventListener('input', refresh);
    ruleFs.addEventListener('change', refresh);
    var main = fieldset(P + '-main', '', t('rdv.section_main'), [idBlock(P, e, isNew), b.title]);
    ed.collect = function () {
      var out = clone(ed.entry) || {};
      out.id = isNew ? $(P + '-id').value.trim() : ed.entry.id;
      readPlace(P, out, false);
      out.rule = readRule();
      out.cancelledDates = ed.entry.cancelledDates || [];
      out.status = $(P + '-status').value;
      out.source = readList(P, 'source');
      out.checkedAt = $(P + '-checkedAt').value;
      return out;
    };
    mount($('rdv-editor'), ed, shell, [main, b.themes, ruleFs, statusBlock(P, e), cancelledBox, b.where, b.who, sourcesBlock(P, e)]);
    suggestId(ed.form, P, 'rdv');
    refresh();
    ed.renderCancelled();
    showClosures(P);
    return ed;
  }

  function showClosures(P) {
    var fill = function () {
      var ul = $(P + '-closures-list');
      if (!ul) return;
      ul.textContent = '';
      var now = today();
      sortedPeriods((closures && closures.periods) || []).filter(function (p) { return p.to >= now; }).slice(0, 20).forEach(function (p) {
        ul.appendChild(h('li', {}, periodWords(p, false)));
      });
      if (!ul.children.length) ul.appendChild(h('li', { class: 'muted', text: t('series.closures_none') }));
    };
    var box = $(P + '-closures');
    if (box && !$(P + '-closures-open')) {
      var all = h('button', { type: 'button', id: P + '-closures-open', class: 'secondary', text: t('closures.see_all') });
      all.addEventListener('click', function () { guard('rdv', all, function () { openClosures(); }); });
      box.appendChild(h('div', { class: 'actions' }, [all]));
    }
    if (closures) return fill();
    ctx.api('GET', BASE + '/closures').then(function (data) { closures = data; fill(); }).catch(function () { closures = { periods: [] }; fill(); });
    return undefined;
  }

  // --- Rendez-vous: the school holidays (GET / PUT /closures) -------------------------------------
  var ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

  /** The server's rule: admins, and editors not limited to bassins (the periods are every bassin's). */
  function mayEditClosures() {
    var me = ctx.me || {};
    return me.role === 'admin' || !(me.bassins && me.bassins.length);
  }

  function communityWords(c) { return t('closures.community_' + (c === 'fwb' || c === 'vl' ? c : 'all')); }

  /** By first day, then last day, then community; periods without a valid first day last. */
  function periodOrder(a, b) {
    var ka = ISO_DAY.test(a.from || '') ? 0 : 1;
    var kb = ISO_DAY.test(b.from || '') ? 0 : 1;
    if (ka !== kb) return ka - kb;
    var keys = ['from', 'to', 'community'];
    for (var i = 0; i < keys.length; i++) {
      var x = String(a[keys[i]] || '');
      var y = String(b[keys[i]] || '');
      if (x !== y) return x < y ? -1 : 1;
    }
    return 0;
  }
  function sortedPeriods(list) { return (list || []).slice().sort(periodOrder); }

  /** "19–30 octobre 2026" in the console's language; one day alone; a word when a date is missing. */
  function rangeText(from, to) {
    if (!ISO_DAY.test(from || '') || !ISO_DAY.test(to || '')) return t('closures.dates_missing');
    if (from === to) return dayText(from);
    if (to > from) {
      try {
        var f = new Intl.DateTimeFormat(locale(), { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
        if (f.formatRange) return f.formatRange(new Date(from + 'T12:00:00Z'), new Date(to + 'T12:00:00Z'));
      } catch { /* an old browser: the sentence below */ }
    }
    return t('series.closure_line', { from: dayText(from), to: dayText(to) });
  }

  function labelOf(p) {
    if (!p.label) return { text: '', lang: null };
    if (typeof p.label === 'string') return { text: p.label, lang: null };
    var l = p.label[ctx.lang] ? ctx.lang : p.label.fr ? 'fr' : p.label.nl ? 'nl' : null;
    return { text: l ? p.label[l] : '', lang: l };
  }

  /** A period as one plain line (for sentences: confirmations, messages). */
  function periodLine(p) {
    var label = labelOf(p);
    return [rangeText(p.from, p.to), communityWords(p.community), label.text].filter(Boolean).join(' · ');
  }

  /** A period in words: its dates, whose schools, its name (in its own language and direction), "past". */
  function periodWords(p, withPast) {
    var label = labelOf(p);
    var past = withPast && ISO_DAY.test(p.to || '') && p.to < today();
    return [
      h('strong', { text: rangeText(p.from, p.to) }),
      ' · ' + communityWords(p.community),
      label.text ? ' · ' : null,
      label.text ? h('bdi', { lang: label.lang, text: label.text }) : null,
      past ? ' ' : null,
      past ? h('span', { class: 'badge past', text: t('closures.past') }) : null,
    ];
  }

  /** The side pane's way in, under "New series" (index.html is not ours to change). */
  function closuresButton() {
    if ($('closures-open')) return;
    var b = h('button', { type: 'button', id: 'closures-open', class: 'secondary', text: t('closures.open') });
    b.addEventListener('click', function () { guard('rdv', b, function () { openClosures(); }); });
    $('series-new').parentNode.insertAdjacentElement('afterend', h('div', { class: 'actions' }, [b]));
  }

  /** The school holidays in the Rendez-vous editor pane: editable for whom the server lets write, else read. */
  function openClosures(message) {
    return ctx.api('GET', BASE + '/closures').then(function (data) {
      closures = { periods: data.periods || [], source: data.source || [] };
      var ed = mayEditClosures() ? closuresForm(closures) : closuresReadOnly(closures);
      $('closures-title').focus();
      // Said once the new live region is in the page, so that screen readers announce it.
      if (message) setTimeout(function () { if (editors.rdv === ed) status(ed, message); }, 150);
      return ed;
    }).catch(function (err) {
      if (err && err.status === 401) return ctx.fail(err);
      sectionNotice(errorText(err));
      return undefined;
    });
  }

  function closuresHead(P) {
    var pane = $('rdv-editor');
    pane.textContent = '';
    pane.appendChild(h('h3', { id: P + '-title', tabindex: '-1', text: t('closures.title') }));
    pane.appendChild(h('p', { id: P + '-intro', class: 'hint', text: t('closures.intro') }));
    return pane;
  }

  function closuresReadOnly(data) {
    var P = 'closures';
    var ed = { kind: 'closures', prefix: P, entry: { id: '' }, dirty: false, isNew: false };
    ed.reload = function (_id, msg) { return openClosures(msg); };
    editors.rdv = ed;
    var pane = closuresHead(P);
    pane.appendChild(h('p', { id: P + '-readonly', class: 'readonly-note', text: t('closures.readonly') }));
    var periods = sortedPeriods(data.periods);
    pane.appendChild(h('h4', { id: P + '-periods-title', text: t('closures.count', { n: periods.length }) }));
    var list = h('ul', { id: P + '-list', class: 'closure-list', 'aria-labelledby': P + '-periods-title' }, periods.map(function (p, i) {
      return h('li', { class: 'readonly-row', 'data-period': String(i) }, periodWords(p, true));
    }));
    pane.appendChild(list);
    if (!periods.length) pane.appendChild(h('p', { id: P + '-empty', class: 'muted', text: t('series.closures_none') }));
    pane.appendChild(h('h4', { id: P + '-sources-title', text: t('closures.sources') }));
    var links = (data.source || []).filter(safeHref);
    if (links.length) {
      pane.appendChild(h('ul', { id: P + '-sources', class: 'source-links', 'aria-labelledby': P + '-sources-title' }, links.map(function (u) {
        return h('li', {}, [h('a', { href: safeHref(u), target: '_blank', rel: 'noopener noreferrer', dir: 'ltr', text: u })]);
      })));
    } else pane.appendChild(h('p', { id: P + '-sources', class: 'muted', text: t('closures.sources_none') }));
    pane.appendChild(h('p', { id: P + '-message', class: 'status', role: 'status' }));
    return ed;
  }

  function closuresForm(data) {
    var P = 'closures';
    var ed = { kind: 'closures', prefix: P, entry: { id: '' }, dirty: false, isNew: false };
    ed.reload = function (_id, msg) { return openClosures(msg); };
    editors.rdv = ed;
    var pane = closuresHead(P);
    pane.appendChild(h('div', { id: P + '-errors', class: 'errors', role: 'alert', tabindex: '-1', hidden: true }));
    var form = h('form', { id: P + '-form', class: 'entry-form', novalidate: true, 'aria-labelledby': P + '-title' });
    ed.form = form;

    var list = h('ul', { id: P + '-list', class: 'closure-list' });
    var empty = h('p', { id: P + '-empty', class: 'muted', text: t('series.closures_none') });
    var count = h('p', { id: P + '-count', class: 'meta', 'aria-live': 'polite' });
    var add = h('button', { type: 'button', id: P + '-add', class: 'secondary', text: t('closures.add') });
    var rowsOf = function (p) {
      var label = p.label && typeof p.label === 'object' ? p.label : { fr: typeof p.label === 'string' ? p.label : '' };
      return { from: p.from || '', to: p.to || '', community: p.community || '', fr: label.fr || '', nl: label.nl || '', open: false, fresh: false };
    };
    var idOf = function (i, k) { return P + '-period-' + i + (k ? '-' + k : ''); };
    var readRows = function () {
      return Array.prototype.map.call(list.querySelectorAll('li[data-period]'), function (li) {
        var i = li.getAttribute('data-period');
        var v = function (k) { return $(idOf(i, k)).value.trim(); };
        return { from: v('from'), to: v('to'), community: v('community'), fr: v('label-fr'), nl: v('label-nl'), open: $(idOf(i)).open, fresh: li.hasAttribute('data-new') };
      });
    };
    var toPeriod = function (r) {
      var p = { from: r.from, to: r.to };
      if (r.community) p.community = r.community;
      var label = {};
      if (r.fr) label.fr = r.fr;
      if (r.nl) label.nl = r.nl;
      if (Object.keys(label).length) p.label = label;
      return p;
    };
    var fillSummary = function (summary, r) {
      summary.textContent = '';
      periodWords(toPeriod(r), true).forEach(function (c) { if (c) summary.appendChild(typeof c === 'string' ? document.createTextNode(c) : c); });
    };
    var countText = function (n) { count.textContent = t('closures.count', { n: n }); empty.hidden = n > 0; };

    var render = function (rows, focusId) {
      list.textContent = '';
      rows.forEach(function (r, i) {
        var summary = h('summary', { id: idOf(i, 'summary') });
        fillSummary(summary, r);
        var community = select(idOf(i, 'community'), 'periods.' + i + '.community', [{ value: '', label: t('closures.community_all') }, { value: 'fwb', label: t('closures.community_fwb') }, { value: 'vl', label: t('closures.community_vl') }], r.community);
        var labelFr = input(idOf(i, 'label-fr'), 'periods.' + i + '.label.fr', r.fr, { maxlength: '100', lang: 'fr', dir: 'auto', autocomplete: 'off' });
        var labelNl = input(idOf(i, 'label-nl'), 'periods.' + i + '.label.nl', r.nl, { maxlength: '100', lang: 'nl', dir: 'auto', autocomplete: 'off' });
        var rm = h('button', { type: 'button', id: idOf(i, 'remove'), class: 'secondary danger', text: t('closures.remove'), 'aria-describedby': summary.id });
        rm.addEventListener('click', function () {
          var words = periodLine(toPeriod(readRows()[i]));
          confirmBox(rm, t('closures.remove_confirm', { period: words }), t('closures.remove_yes'), function () {
            var now = readRows();
            now.splice(i, 1);
            ed.dirty = true;
            render(now, now.length ? idOf(Math.min(i, now.length - 1), 'summary') : add.id);
            status(ed, t('closures.removed', { period: words }));
          });
        });
        var fs = fieldset(idOf(i, 'fields'), 'periods.' + i, t('closures.period_n', { n: i + 1 }), [
          h('div', { class: 'pair' }, [
            field(t('closures.from'), input(idOf(i, 'from'), 'periods.' + i + '.from', r.from, { type: 'date', required: true, 'aria-required': 'true' })),
            field(t('closures.to'), input(idOf(i, 'to'), 'periods.' + i + '.to', r.to, { type: 'date', required: true, 'aria-required': 'true' })),
          ]),
          h('div', { class: 'community' }, [field(t('closures.community'), community)]),
          h('div', { class: 'pair' }, [field(t('closures.label_fr'), labelFr), field(t('closures.label_nl'), labelNl)]),
          h('p', { class: 'hint', id: idOf(i, 'label-hint'), text: t('closures.label_hint') }),
          h('div', { class: 'actions' }, [rm]),
        ], 'period');
        describe(labelFr, idOf(i, 'label-hint'), true);
        describe(labelNl, idOf(i, 'label-hint'), true);
        fs.querySelector('legend').className = 'sr-only';
        var details = h('details', { id: idOf(i), open: r.open }, [summary, fs]);
        var li = h('li', { 'data-period': String(i), 'data-new': r.fresh }, [details]);
        fs.addEventListener('input', function () { fillSummary(summary, readRows()[i]); });
        fs.addEventListener('change', function () { fillSummary(summary, readRows()[i]); });
        list.appendChild(li);
      });
      countText(rows.length);
      if (focusId && $(focusId)) $(focusId).focus();
    };
    add.addEventListener('click', function () {
      var now = readRows();
      now.push({ from: '', to: '', community: '', fr: '', nl: '', open: true, fresh: true });
      ed.dirty = true;
      render(now, idOf(now.length - 1, 'from'));
    });
    render(sortedPeriods(data.periods).map(rowsOf));

    var periodsFs = fieldset(P + '-periods', 'periods', t('closures.periods_legend'), [hint(P + '-periods', t('closures.periods_hint')), count, list, empty, add]);
    describe(periodsFs, P + '-periods-hint', true);
    var sources = valueList(P, 'source', 'source', t('closures.sources'), (data.source && data.source.length) ? data.source : [''], { addLabel: t('form.add_source'), itemLabel: function (n) { return t('form.source_n', { n: n }); }, attrs: { type: 'url', maxlength: '500', placeholder: 'https://' }, hint: t('closures.sources_hint') });
    form.appendChild(periodsFs);
    form.appendChild(sources);
    // The message sits in the sticky bar beside the button: seen wherever the form is scrolled to.
    form.appendChild(h('div', { class: 'form-actions' }, [h('button', { type: 'submit', id: P + '-save', text: t('closures.save') }), h('p', { id: P + '-message', class: 'status', role: 'status' })]));
    pane.appendChild(form);
    var edited = function () { ed.dirty = true; };
    form.addEventListener('input', edited);
    form.addEventListener('change', edited);
    form.addEventListener('submit', function (ev) {
      ev.preventDefault();
      saveClosures(ed, readRows().map(toPeriod));
    });
    return ed;
  }

  /**
   * PUT /closures with the periods sorted by date and the filled source boxes; a refusal's paths
   * ("periods.3.to", "source.1") are turned back into the boxes on screen before being shown.
   */
  function saveClosures(ed, periods) {
    clearErrors(ed);
    status(ed, t('form.saving'));
    var order = periods.map(function (_p, i) { return i; }).sort(function (a, b) { return periodOrder(periods[a], periods[b]) || a - b; });
    var boxes = Array.prototype.map.call($(ed.prefix + '-source-items').querySelectorAll('input'), function (i) { return i.value.trim(); });
    var kept = boxes.map(function (_v, i) { return i; }).filter(function (i) { return boxes[i]; });
    var body = { periods: order.map(function (i) { return periods[i]; }), source: kept.map(function (i) { return boxes[i]; }) };
    var back = function (path) {
      var parts = String(path || '').split('.');
      if (parts[0] === 'periods' && /^\d+$/.test(parts[1] || '') && order[Number(parts[1])] !== undefined) parts[1] = String(order[Number(parts[1])]);
      if (parts[0] === 'source' && /^\d+$/.test(parts[1] || '') && kept[Number(parts[1])] !== undefined) parts[1] = String(kept[Number(parts[1])]);
      return parts.join('.');
    };
    var save = $(ed.prefix + '-save');
    save.disabled = true;
    return ctx.api('PUT', BASE + '/closures' + langQuery(), body).then(function () {
      ed.dirty = false;
      // The next sessions of the bassin follow the new periods.
      loadRdv();
      return openClosures(t('closures.saved'));
    }).catch(function (err) {
      save.disabled = false;
      status(ed, '');
      if (err && err.status === 403) err = { message: 'closures_forbidden', status: 403 };
      if (err && err.fields) {
        err.fields = err.fields.map(function (f) {
          var path = back(f.path);
          var mine = f.code === 'until_before_from' ? t('closures.to_before_from') : null;
          return { path: path, code: f.code, message: mine || f.message };
        });
      }
      writeFailed(ed, err);
    });
  }

  function newRendezvous() {
    var b = $('rdv-filter-bassin').value;
    var ed = rendezvousForm({ id: '', title: { fr: t('rdv.default_title') }, themes: [], place: { fr: '' }, commune: '', bassin: b, start: null, end: null, audience: { fr: '' }, status: 'provisional', source: [''], checkedAt: today() }, {}, true);
    $(ed.prefix + '-title').focus();
  }

  function newSeries() {
    var b = $('rdv-filter-bassin').value;
    var ed = seriesForm({ id: '', title: { fr: t('rdv.default_title') }, themes: [], place: { fr: '' }, commune: '', bassin: b, audience: { fr: '' }, rule: { freq: 'monthly', weekday: 2, setPos: 1, startTime: '14:00', endTime: '16:00', from: today(), skipSchoolHolidays: true, exceptDates: [] }, cancelledDates: [], status: 'provisional', source: [''], checkedAt: today() }, {}, true);
    $(ed.prefix + '-title').focus();
  }

  // --- navigation ---------------------------------------------------------------------------
  function showSection(which) {
    $('app').hidden = which !== 'cases';
    $('catalogue').hidden = which !== 'catalogue';
    ['cases', 'catalogue'].forEach(function (w) {
      var b = $('nav-' + w);
      if (w === which) b.setAttribute('aria-current', 'page');
      else b.removeAttribute('aria-current');
    });
  }

  function showView(which) {
    $('cat-services').hidden = which !== 'services';
    $('cat-rdv').hidden = which !== 'rdv';
    ['services', 'rdv'].forEach(function (w) {
      var b = $('cat-tab-' + w);
      if (w === which) b.setAttribute('aria-current', 'true');
      else b.removeAttribute('aria-current');
    });
    if (which === 'rdv') loadRdv();
  }

  function wire() {
    if (wired) return;
    wired = true;
    $('nav-cases').addEventListener('click', function () { showSection('cases'); });
    $('nav-catalogue').addEventListener('click', function () { showSection('catalogue'); });
    $('cat-tab-services').addEventListener('click', function () { showView('services'); });
    $('cat-tab-rdv').addEventListener('click', function () { showView('rdv'); });
    $('cat-search').addEventListener('submit', function (ev) { ev.preventDefault(); clearTimeout(searchTimer); loadServices(); });
    $('cat-q').addEventListener('input', function () { clearTimeout(searchTimer); searchTimer = setTimeout(loadServices, 300); });
    ['cat-f-theme', 'cat-f-bassin', 'cat-f-commune', 'cat-f-language', 'cat-f-tag', 'cat-f-stale', 'cat-f-archived'].forEach(function (id) { $(id).addEventListener('change', loadServices); });
    $('cat-new').addEventListener('click', function () { guard('services', $('cat-new'), newService); });
    $('rdv-filter-bassin').addEventListener('change', loadRdv);
    $('rdv-new').addEventListener('click', function () { guard('rdv', $('rdv-new'), newRendezvous); });
    $('series-new').addEventListener('click', function () { guard('rdv', $('series-new'), newSeries); });
    closuresButton();
    // Leaving the page with unsaved changes: the browser asks.
    window.addEventListener('beforeunload', function (ev) {
      if ((editors.services && editors.services.dirty) || (editors.rdv && editors.rdv.dirty)) { ev.preventDefault(); ev.returnValue = ''; }
    });
  }

  /** Called by console.js once the person is signed in as an editor or an admin. */
  function start(c) {
    ctx = c;
    wire();
    $('sections').hidden = false;
    $('sections').setAttribute('aria-label', t('nav_label'));
    $('nav-cases').hidden = c.me.role === 'editor';
    showSection(c.me.role === 'editor' ? 'catalogue' : $('catalogue').hidden ? 'cases' : 'catalogue');
    sectionNotice('');
    return ctx.api('GET', BASE + '/meta' + langQuery()).then(function (m) {
      meta = Object.assign({ themes: [], tags: [], communes: [], bassins: [], languages: LANGS }, m);
      fillFilters();
      return loadServices();
    }).catch(function (err) {
      if (err && err.status === 401) return ctx.fail(err);
      sectionNotice(errorText(err));
      return undefined;
    });
  }

  /** Signed out: nothing of the catalogue stays on screen. */
  function stop() {
    if (!wired) return;
    $('sections').hidden = true;
    $('catalogue').hidden = true;
    editors = { services: null, rdv: null };
    $('cat-list').textContent = '';
    $('cat-editor').textContent = '';
    $('cat-editor').appendChild(h('p', { class: 'muted', text: t('list.select') }));
    $('rdv-editor').textContent = '';
    $('rdv-editor').appendChild(h('p', { class: 'muted', text: t('rdv.select') }));
  }

  window.BoussoleCatalogue = { start: start, stop: stop };
})();
