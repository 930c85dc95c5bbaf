/** What a service stamps its writes with: the time and new ids (tests pass fixed ones). */

export interface Clock {
  now: () => Date;
}

export interface Ids {
  /** Sortable unique ids (ULIDs). */
  newId: () => string;
}
