/**
 * What the simulated web-chat users say: a few realistic journeys (open a conversation, choose a
 * language, say who it is for, describe a housing or mental-health situation with a commune, answer
 * a question or two, read the services). Each message is sent after a think time; the last think
 * time is the reading of the services before leaving. Checked against the app's replies (each
 * step gets the next question, the last one the services).
 */
export interface Journey {
  name: string;
  /** The browser's locale, sent when the conversation starts and with each message. */
  locale: string;
  messages: string[];
}

export const JOURNEYS: readonly Journey[] = [
  { name: 'fr housing, free text, then more services', locale: 'fr-BE', messages: ['Français', 'Pour moi ou un proche', "mon propriétaire veut me mettre dehors, j'habite à Schaerbeek", 'plus'] },
  { name: 'en mental health', locale: 'en-GB', messages: ['English', 'For me or someone close', 'I have been feeling very low for months and I would like to see a psychologist, I live in Ixelles', 'No', 'For me', '34'] },
  { name: 'nl housing, free text', locale: 'nl-BE', messages: ['Nederlands', 'Voor mij of iemand dichtbij', 'mijn woning is ongezond, overal schimmel, ik woon in Schaarbeek'] },
  { name: 'fr mental health, SMS style', locale: 'fr-BE', messages: ['Français', 'Pour moi ou un proche', 'jme sens tres mal depuis des mois, je voudrais voir un psy pas cher a ixelles', 'non', '34 ans'] },
  { name: 'ar housing, nowhere to sleep', locale: 'ar', messages: ['العربية', 'لي أو لشخص قريب', 'ما عندي وين نبات الليلة، انا في saint gilles'] },
  { name: 'tr mental health', locale: 'tr-TR', messages: ['Türkçe', 'Kendim veya bir yakınım için', 'cok bunaldim depresyondayim bir psikologla konusmak istiyorum, saint josse', 'hayir', '41 yasindayim'] },
  { name: 'es housing, buttons', locale: 'es-ES', messages: ['Español', 'Para mí o para alguien cercano', 'Vivienda', 'Me pueden echar de mi casa (desalojo)', 'Molenbeek'] },
];

/** A think time in ms: uniform between `minS` and `maxS` seconds, times `scale`. */
export function thinkMs(scale: number, minS = 1, maxS = 3, random: () => number = Math.random): number {
  return (minS + (maxS - minS) * random()) * 1000 * scale;
}
