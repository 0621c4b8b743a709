import { bm25Tokens } from '../retrieval/bm25-tokenizer';
import { tokenize, tokenizeWithSpans } from '../encoder/normalise';
import { goodsEnd, TAIL_WINDOW, withoutInvoiceTail } from './invoice-tail';

describe('withoutInvoiceTail', () => {
  it.each([
    ['cotton gloves, Invoice No. 5512', 'cotton gloves'],
    ['steel bolts M10 - lot 7B', 'steel bolts M10'],
    ['rice 25kg GW: 26.5 kgs', 'rice 25kg'],
    ['rice, net weight 25 lbs.', 'rice'],
    ['leather handbag, country of origin Türkiye', 'leather handbag'],
    ['leather handbag MADE IN TURKEY', 'leather handbag'],
    ['ceramic mugs COO: CHN', 'ceramic mugs'],
    ['green tea / CIF Rotterdam', 'green tea'],
    ['glass jars, shipping terms: EXW Shenzhen', 'glass jars'],
    ['socks 24 pcs per carton', 'socks'],
    ['socks, carton 2 of 9', 'socks'],
    ['socks qty: 20 pcs', 'socks'],
    ['denim jeans hs code: 6203.42', 'denim jeans'],
    ['lipstick - free sample', 'lipstick'],
    ['lipstick, FOC', 'lipstick'],
    ['cotton shirts, P/O 74207', 'cotton shirts'],
    ['cotton shirts，PO#123', 'cotton shirts'],
    ['cotton shirts - made in Korea', 'cotton shirts'],
    ['cotton shirts, Incoterms 2020: FOB Ningbo', 'cotton shirts'],
    ['cotton shirts, FOB Ho Chi Minh City', 'cotton shirts'],
    ['cotton shirts - SAMPLE', 'cotton shirts'],
  ])('reads %j as %j', (text, goods) => {
    expect(withoutInvoiceTail(text)).toBe(goods);
  });

  it('peels a tail of several fragments, in any order, down to the goods', () => {
    expect(withoutInvoiceTail('leather shoes made in Türkiye, INV-2231, FOB Izmir.')).toBe('leather shoes');
    expect(withoutInvoiceTail('olive oil 5L - 4 pcs/ctn - N.W. 18KG - ORIGIN: ES - PO#55')).toBe(
      'olive oil 5L',
    );
  });

  it.each([
    // "new" written straight after the goods can decide the heading (new or retreaded tyres).
    'car tyre 205/55R16 new',
    'car tyres 205/55R16, new',
    'olive oil NEW',
    // Incoterm codes that are also goods, unless punctuation and a named place set them apart.
    'Car Key Fob Cover Silicone',
    'silver watch fob',
    'silicone cover, fob for car keys',
    'NPK and DAP fertilizer',
    'granular fertilizer, DAP',
    'dairy CIP unit',
    // A bare "sample" after a space is goods; so is a case.
    'tissue samples',
    'watch case 5 of 9',
    // Model and material codes that start like a reference.
    'network switch POE24',
    'acetal rod POM20',
    // "of … origin" says what the goods are made from.
    'sausages of poultry origin: turkey',
    // A net is goods, not a weight.
    'fishing net 5 kg',
    // A weight spelled out after a plain space is the nomenclature's own wording.
    'glue put up for retail sale, not exceeding net weight 1 kg',
    // "original" is not "origin" followed by AL (Albania).
    'Engravings, prints and lithographs; original',
    // An origin mark followed by more goods is not a tail.
    'shoes made in italy leather upper',
    // "made in" a place that is not a country.
    'cheese made in caves',
    // A reference needs a number.
    'parking lot',
    'polo shirts',
  ])('leaves %j as it is', (text) => {
    expect(withoutInvoiceTail(text)).toBe(text);
  });

  it('never cuts a text down to nothing: its first words are read whatever they are', () => {
    expect(withoutInvoiceTail('PO#123')).toBe('PO#123');
    expect(withoutInvoiceTail('  , PO#123')).toBe('  , PO#123');
    expect(withoutInvoiceTail('FOB Shenzhen, N.W. 3KG')).toBe('FOB Shenzhen');
    expect(withoutInvoiceTail('1, FOB Shanghai')).toBe('1, FOB Shanghai');
    expect(withoutInvoiceTail('of, FOB Ningbo')).toBe('of, FOB Ningbo');
    expect(withoutInvoiceTail('大米, FOB Ningbo')).toBe('大米');
  });

  it('searches only the last TAIL_WINDOW characters, so an endless tail is cut short, not followed', () => {
    const text = `cotton towels${' PO#1'.repeat(10_000)}`;
    const end = goodsEnd(text);
    expect(end).toBeGreaterThanOrEqual(text.length - TAIL_WINDOW);
    expect(end).toBeLessThan(text.length);
    expect(text.slice(end)).toMatch(/^\s*PO#1( PO#1)*$/);
  });

  it('returns on texts built to make a backtracking pattern retry (runs of spaces, repeated marks)', () => {
    for (const text of [
      `a${' '.repeat(100_000)}x`,
      `a${' made in'.repeat(5_000)} x`,
      `a${' fob'.repeat(5_000)}!x`,
      `a${' ,;'.repeat(5_000)}x`,
    ])
      expect(goodsEnd(text)).toBe(text.length);
  });
});

describe('the tokenizers read the goods only', () => {
  it('gives the network and the search the same words with or without the tail', () => {
    const tail = 'English breakfast tea, SAMPLE - NO COMMERCIAL VALUE, FOB IZMIR';
    expect(tokenize(tail)).toEqual(tokenize('English breakfast tea'));
    expect(bm25Tokens(tail)).toEqual(bm25Tokens('English breakfast tea'));
  });

  it('keeps each word at its place in the original text, for highlighting', () => {
    const spans = tokenizeWithSpans('Paper towels / ORIGIN: VN');
    expect(spans.map((s) => s.word)).toEqual(['paper', 'towel']);
    expect(spans[1]).toEqual({ word: 'towel', start: 6, end: 12 });
  });
});
