/** "1 more service", "2 more services": the count of services not shown yet takes each language's plural form. */
import type { Lang } from '../../src/catalogue/schema';
import { createI18n } from '../../src/i18n/i18n';

const { t } = createI18n();

test.each<[Lang, number, string]>([
  ['en', 1, '1 more service can help. Type "more" to see it.'],
  ['en', 4, '4 more services can help. Type "more" to see them.'],
  ['fr', 1, '1 autre service peut aider. Écrivez « plus » pour le voir.'],
  ['fr', 3, '3 autres services peuvent aider. Écrivez « plus » pour les voir.'],
  ['nl', 1, 'Nog 1 andere dienst kan helpen. Typ "meer" om hem te zien.'],
  ['nl', 2, 'Nog 2 andere diensten kunnen helpen. Typ "meer" om ze te zien.'],
  ['es', 1, 'Otro servicio puede ayudarte. Escribe «más» para verlo.'],
  ['es', 5, 'Otros servicios que pueden ayudarte: 5. Escribe «más» para verlos.'],
  ['ro', 1, 'Încă un serviciu vă poate ajuta. Scrieți „mai multe” ca să-l vedeți.'],
  ['ro', 3, 'Alte servicii care vă pot ajuta: 3. Scrieți „mai multe” ca să le vedeți.'],
  ['tr', 1, '1 hizmet daha yardım edebilir. Görmek için “daha fazla” yazın.'],
  ['ar', 1, 'توجد خدمة أخرى يمكنها المساعدة. اكتب «المزيد» لرؤيتها.'],
  ['ar', 2, 'توجد خدمتان أخريان يمكنهما المساعدة. اكتب «المزيد» لرؤيتهما.'],
  ['ar', 5, 'عدد الخدمات الأخرى التي يمكنها المساعدة: 5. اكتب «المزيد» لرؤيتها.'],
])('%s, %d not shown yet', (lang, count, text) => {
  expect(t(lang, 'results.more_count', { count })).toBe(text);
});
