/**
 * The page's formatting of bot messages (web/format.js): numbers, e-mail and web addresses become
 * links a person taps; in right-to-left text they stay whole, left to right (Unicode isolates).
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const format = require('../../web/format.js') as {
  formatText(text: string, rtl: boolean): string;
  formatLabel(text: string, rtl: boolean): string;
  formatActivity(activity: Record<string, unknown>, rtl: boolean, labels?: Record<string, string>): Record<string, unknown>;
};

const L = '\u2066';
const P = '\u2069';

test.each([
  ['a mobile number', 'Appelez le 0465 46 47 01.', false, 'Appelez le [0465 46 47 01](tel:+32465464701).'],
  ['a free number', 'Allô? Aide sociale 0800 35 243 (gratuit)', false, 'Allô? Aide sociale [0800 35 243](tel:+3280035243) (gratuit)'],
  ['a Brussels number with slash and dots', 'Tel. 02/543.12.34', false, 'Tel. [02/543.12.34](tel:+3225431234)'],
  ['an international number', 'Bel +32 2 543 12 34', false, 'Bel [+32 2 543 12 34](tel:+3225431234)'],
  ['the emergency numbers', 'En danger : 112. Télé-Accueil 107, jour et nuit.', false, 'En danger : [112](tel:112). Télé-Accueil [107](tel:107), jour et nuit.'],
  ['an e-mail address', 'Écrivez à info@example.be.', false, 'Écrivez à [info@example.be](mailto:info@example.be).'],
  ['a web address', 'Voir https://www.example.be/aide, ou www.example.org.', false, 'Voir [https://www.example.be/aide](https://www.example.be/aide), ou [www.example.org](https://www.example.org).'],
  ['a date is not a number to call', 'Le 01/12/2026 à 14:00', false, 'Le 01/12/2026 à 14:00'],
  ['a year, a postal code and a count are not numbers to call', 'En 2026, à 1060 Saint-Gilles, 3 enfants', false, 'En 2026, à 1060 Saint-Gilles, 3 enfants'],
  ['an existing link is left alone', '[le site](https://example.be) et 0465 46 47 01', false, '[le site](https://example.be) et [0465 46 47 01](tel:+32465464701)'],
  ['Arabic: the number kept whole', 'اتصل بالرقم 0465 46 47 01', true, `اتصل بالرقم [${L}0465 46 47 01${P}](tel:+32465464701)`],
  ['Arabic: dates and hours kept whole', 'يوم 22/11/2026 من 14:00–16:00', true, `يوم ${L}22/11/2026${P} من ${L}14:00–16:00${P}`],
  ['Arabic: the emergency number', 'في خطر: 112', true, `في خطر: [${L}112${P}](tel:112)`],
])('%s', (_kind, text, rtl, expected) => {
  expect(format.formatText(text, rtl)).toBe(expected);
});

test('a button title keeps its number whole in Arabic (no link possible there); left-to-right titles are unchanged', () => {
  expect(format.formatLabel('اتصل 0465 46 47 01', true)).toBe(`اتصل ${L}0465 46 47 01${P}`);
  expect(format.formatLabel('Appeler 0465 46 47 01', false)).toBe('Appeler 0465 46 47 01');
});

test('a service card: facts and texts get links, the call button keeps its tel: address, the value sent back by a suggested action is untouched', () => {
  const activity = {
    type: 'message',
    text: 'Voici 1 service.',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        content: {
          type: 'AdaptiveCard',
          body: [{ type: 'FactSet', facts: [{ title: 'هاتف', value: '0465 46 47 01' }, { title: 'بريد', value: 'info@example.be' }] }, { type: 'TextBlock', text: 'تم التحقق في 22/11/2026' }],
          actions: [{ type: 'Action.OpenUrl', title: 'اتصل 0465 46 47 01', url: 'tel:+32465464701' }],
        },
      },
    ],
    suggestedActions: { actions: [{ type: 'imBack', title: 'Menu 02/543.12.34', value: 'Menu 02/543.12.34' }] },
  };
  const out = format.formatActivity(activity, true) as typeof activity;
  const card = out.attachments[0].content;
  expect(card.body[0].facts!.map((f) => f.value)).toEqual([`[${L}0465 46 47 01${P}](tel:+32465464701)`, `[${L}info@example.be${P}](mailto:info@example.be)`]);
  expect(card.body[1].text).toBe(`تم التحقق في ${L}22/11/2026${P}`);
  expect(card.actions[0]).toEqual({ type: 'Action.OpenUrl', title: `اتصل ${L}0465 46 47 01${P}`, url: 'tel:+32465464701' });
  expect(out.suggestedActions.actions[0].value).toBe('Menu 02/543.12.34');
  // The activity the store holds is not changed in place.
  expect(activity.attachments[0].content.body[0].facts![0].value).toBe('0465 46 47 01');
});

test('what is not a bot message passes through untouched', () => {
  const typing = { type: 'typing' };
  expect(format.formatActivity(typing, true)).toBe(typing);
});

test('a message of the safety net gets, first, a block with a heading and one call button per number (in the message language)', () => {
  const activity = {
    type: 'message',
    id: 'c1|0000005',
    text: 'Appelez le 112.',
    channelData: { safety: { level: 'emergency', numbers: [{ id: '112', number: '112' }, { id: 'tele-accueil', number: '107' }] } },
    attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: { type: 'AdaptiveCard', body: [] } }],
  };
  const out = format.formatActivity(activity, false, { crisisHeading: 'En danger ? Appelez maintenant', call: 'Appeler' }) as { attachments: Array<{ content: { body: Array<{ id?: string; items?: Array<{ text?: string; actions?: unknown[] }> }> } }> };
  expect(out.attachments).toHaveLength(2);
  const block = out.attachments[0].content.body[0];
  expect(block.id).toBe('boussole-crisis-c10000005');
  expect(block.items![0].text).toContain('En danger ? Appelez maintenant');
  expect(block.items![1].actions).toEqual([
    { type: 'Action.OpenUrl', title: 'Appeler 112', url: 'tel:112' },
    { type: 'Action.OpenUrl', title: 'Appeler 107', url: 'tel:107' },
  ]);
  // Without the page's words (or without numbers), nothing is added.
  expect((format.formatActivity(activity, false) as { attachments: unknown[] }).attachments).toHaveLength(1);
});

describe('what a screen reader says for a message: who speaks, never "the bot" for a person', () => {
  const labels = { crisisHeading: 'En danger ? Appelez maintenant', call: 'Appeler', botSays: 'Boussole', agentSays: '{name}, du Helpdesk', choices: 'Choix : {list}' };
  const said = (activity: Record<string, unknown>) => (format.formatActivity({ type: 'message', channelData: {}, ...activity }, false, labels).channelData as Record<string, string>)['webchat:fallback-text'];
  test.each<[string, Record<string, unknown>, string]>([
    ['an agent of the Helpdesk, by name', { text: 'Sara (Helpdesk) : Bonjour, je suis là.', channelData: { handoff: { from: 'agent', agent: { name: 'Sara', text: 'Bonjour, je suis là.' } } } }, 'Sara, du Helpdesk : Bonjour, je suis là.'],
    ['the bot, its words and its choices', { text: 'Quelle est votre commune ?', suggestedActions: { actions: [{ title: 'Ixelles' }, { title: 'Jette' }] } }, 'Boussole : Quelle est votre commune ? Choix : Ixelles, Jette'],
    ['a number read as its digits, not as a link', { text: 'Appelez le 0800 35 243.' }, 'Boussole : Appelez le 0800 35 243.'],
    ['a card: its lines and facts in reading order', { text: 'Voici un service.', attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: { type: 'AdaptiveCard', body: [{ type: 'TextBlock', text: 'CPAS' }, { type: 'FactSet', facts: [{ title: 'Téléphone', value: '02 555 01 23' }] }], actions: [{ type: 'Action.OpenUrl', title: 'Appeler', url: 'tel:+3225550123' }] } }] }, 'Boussole : Voici un service. CPAS. Téléphone : 02 555 01 23. Appeler'],
  ])('%s', (_name, activity, expected) => {
    expect(said(activity)).toBe(expected);
  });
});

test.each<[string, string, string]>([
  ['a link of this site becomes a whole address Web Chat can open', '/calendar/session/rdv-1-20270105.ics?lang=fr', 'https://boussole.example/calendar/session/rdv-1-20270105.ics?lang=fr'],
  ['a whole address is left alone', 'https://example.org/a.ics', 'https://example.org/a.ics'],
  ['a protocol-relative address is not taken for one of this site', '//evil.example/x', '//evil.example/x'],
])('card links: %s', (_name, url, expected) => {
  const card = { type: 'AdaptiveCard', body: [], actions: [{ type: 'Action.OpenUrl', title: 'Ajouter à mon agenda', url }] };
  const out = format.formatActivity({ type: 'message', channelData: {}, attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: card }] }, false, { origin: 'https://boussole.example' }) as { attachments: Array<{ content: { actions: Array<{ url: string }> } }> };
  expect(out.attachments[0].content.actions[0].url).toBe(expected);
});
