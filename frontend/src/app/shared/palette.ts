/** Colours used for segments across charts; index by segment id. */
export const SEGMENT_COLOURS = [
  '#1f4e8c',
  '#00897b',
  '#c2185b',
  '#6a4c93',
  '#5d8aa8',
  '#7cb342',
  '#8d6e63',
  '#e53935',
  '#455a64',
  '#26a69a',
];

/** Colour of "this customer" in comparisons; not used by any segment. */
export const CUSTOMER_COLOUR = '#f5a623';

export function segmentColour(id: number): string {
  return SEGMENT_COLOURS[
    ((id % SEGMENT_COLOURS.length) + SEGMENT_COLOURS.length) % SEGMENT_COLOURS.length
  ];
}

/** "OnlineShopping" -> "Online shopping". */
export function featureLabel(feature: string): string {
  const words = feature
    .replace(/_/g, ' ')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .trim()
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}
