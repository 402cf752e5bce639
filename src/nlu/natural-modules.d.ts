/**
 * The natural modules the NLU uses, loaded one by one: natural's index files (`natural`,
 * `natural/lib/natural/stemmers`, `…/distance`) load every stemmer, tokenizer and stop-word list of
 * every language and the Indonesian dictionary, about 8 MB more in the app for nothing it uses.
 */
declare module 'natural/lib/natural/stemmers/porter_stemmer' {
  import type { Stemmer } from 'natural/lib/natural/stemmers';
  const stemmer: Stemmer;
  export = stemmer;
}
declare module 'natural/lib/natural/stemmers/porter_stemmer_fr' {
  import type { Stemmer } from 'natural/lib/natural/stemmers';
  const stemmer: Stemmer;
  export = stemmer;
}
declare module 'natural/lib/natural/stemmers/porter_stemmer_nl' {
  import type { Stemmer } from 'natural/lib/natural/stemmers';
  const stemmer: Stemmer;
  export = stemmer;
}
declare module 'natural/lib/natural/stemmers/porter_stemmer_es' {
  import type { Stemmer } from 'natural/lib/natural/stemmers';
  const stemmer: Stemmer;
  export = stemmer;
}
declare module 'natural/lib/natural/distance/jaro-winkler_distance' {
  import type { JaroWinklerDistance } from 'natural/lib/natural/distance';
  const distance: typeof JaroWinklerDistance;
  export = distance;
}
