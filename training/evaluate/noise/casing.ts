/** How an importer's system or keyboard habit may case a description. */
export const CASINGS = ['upper', 'title', 'lower'] as const;
export type Casing = (typeof CASINGS)[number];

export function recase(text: string, casing: Casing): string {
  switch (casing) {
    case 'upper':
      return text.toUpperCase();
    case 'lower':
      return text.toLowerCase();
    case 'title':
      return text.replace(
        /\p{L}[\p{L}'’]*/gu,
        (word) => word.charAt(0).toUpperCase() + word.slice(1).toLowerCase(),
      );
  }
}
