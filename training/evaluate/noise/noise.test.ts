import { normaliseText } from '../../corpus/normalise';
import { DEFAULT_MAX_TEXT_LENGTH } from '../../ingest';
import { seededRandom } from '../../rng';
import { loadRealisticSet } from '../realistic-set';
import {
  NOISE_KINDS,
  QWERTY_NEIGHBOURS,
  REALISTIC_NOISY_SEED,
  REALISTIC_NOISY_SHA256,
  abbreviate,
  noisyCopies,
  noisySetSha256,
  realisticV1Noisy,
  recase,
  typo,
  withInvoiceSuffix,
  withTypos,
} from '.';

const always = () => 0;
const never = () => 0.999999;

describe('QWERTY_NEIGHBOURS', () => {
  it('lists the keys touching a key, across rows as well as along them', () => {
    expect([...(QWERTY_NEIGHBOURS.get('s') ?? '')].sort().join('')).toBe('adewxz');
    expect([...(QWERTY_NEIGHBOURS.get('q') ?? '')].sort().join('')).toBe('aw');
    expect([...(QWERTY_NEIGHBOURS.get('m') ?? '')].sort().join('')).toBe('jkn');
  });

  it('is symmetric: a key is the neighbour of each of its neighbours', () => {
    for (const [key, around] of QWERTY_NEIGHBOURS) {
      for (const other of around) expect(`${other}:${QWERTY_NEIGHBOURS.get(other)}`).toContain(key);
    }
    expect(QWERTY_NEIGHBOURS.size).toBe(26);
  });
});

describe('typo', () => {
  it('drops, doubles or swaps the letter at a position', () => {
    expect(typo('carton', 'dropped', 2, always)).toBe('caton');
    expect(typo('carton', 'doubled', 2, always)).toBe('carrton');
    expect(typo('carton', 'transposed', 2, always)).toBe('catron');
  });

  it('replaces a letter with a neighbouring key, keeping its case', () => {
    const random = seededRandom(7);
    for (let i = 0; i < 200; i++) {
      const position = 1 + (i % 5);
      const word = i % 2 ? 'CARTON' : 'carton';
      const slipped = typo(word, 'adjacent-key', position, random) as string;
      const original = word[position] as string;
      const replaced = slipped[position] as string;
      expect(slipped.slice(0, position) + slipped.slice(position + 1)).toBe(
        word.slice(0, position) + word.slice(position + 1),
      );
      expect(QWERTY_NEIGHBOURS.get(original.toLowerCase())).toContain(replaced.toLowerCase());
      expect(replaced === replaced.toUpperCase()).toBe(original === original.toUpperCase());
    }
  });

  it('refuses slips that would not change the word or would touch its first letter', () => {
    expect(typo('carton', 'dropped', 0, always)).toBeUndefined();
    expect(typo('pcs/ctn', 'doubled', 3, always)).toBeUndefined();
    expect(typo('bottle', 'transposed', 2, always)).toBeUndefined();
    expect(typo('abc', 'adjacent-key', 3, always)).toBeUndefined();
  });
});

describe('withTypos', () => {
  const rows = loadRealisticSet();

  it('changes letters only: digits, units and punctuation survive in order', () => {
    const random = seededRandom(11);
    const letters = /\p{L}/gu;
    let changed = 0;
    for (const { description } of rows) {
      const noisy = withTypos(description, 2, random);
      if (noisy !== description) changed++;
      expect(noisy.replace(letters, '')).toBe(description.replace(letters, ''));
    }
    expect(changed).toBeGreaterThan(rows.length * 0.95);
  });

  it('changes one word per typo and leaves texts without words as they are', () => {
    const noisy = withTypos('frozen chicken wings', 1, seededRandom(3));
    const changed = noisy.split(' ').filter((word, i) => word !== 'frozen chicken wings'.split(' ')[i]);
    expect(changed).toHaveLength(1);
    expect(withTypos('12 x 500 ml', 2, seededRandom(3))).toBe('12 x 500 ml');
  });
});

describe('abbreviate', () => {
  it('writes the shorthand traders use, longest phrase first', () => {
    expect(abbreviate('Stainless steel sink with black handle, 12 pieces per carton', always)).toBe(
      'ss sink w/ blk handle, 12 pcs per ctn',
    );
    expect(abbreviate('stainless bowl without lid, aluminium base', always)).toBe(
      's/s bowl w/o lid, alu base',
    );
  });

  it('keeps capitals and matches whole words only', () => {
    expect(abbreviate("BLACK WOMEN'S BOOTS", always)).toBe('BLK WMNS BOOTS');
    expect(abbreviate("boxing gloves for women's training", always)).toBe('boxing gloves for wmns training');
    expect(abbreviate('Whitewash and packaging', always)).toBe('Whitewash & packaging');
  });

  it('leaves each phrase alone with the remaining probability', () => {
    expect(abbreviate('black box with lid', never)).toBe('black box with lid');
  });
});

describe('recase', () => {
  it('writes ALL CAPS, Title Case or lower case', () => {
    expect(recase("men's COTTON t-shirt 2XL", 'upper')).toBe("MEN'S COTTON T-SHIRT 2XL");
    expect(recase("men's COTTON t-shirt", 'title')).toBe("Men's Cotton T-Shirt");
    expect(recase('Frozen SHRIMP', 'lower')).toBe('frozen shrimp');
  });
});

describe('withInvoiceSuffix', () => {
  it('appends what invoices carry after the goods, keeping the description whole', () => {
    expect(withInvoiceSuffix('ladies cotton tee', always)).toBe('ladies cotton tee - 6 PCS/CTN');
    const random = seededRandom(5);
    const seen = new Set<string>();
    for (let i = 0; i < 300; i++) {
      const text = withInvoiceSuffix('ladies cotton tee', random);
      expect(text.startsWith('ladies cotton tee ') || text.startsWith('ladies cotton tee,')).toBe(true);
      seen.add(text.replace(/\d+/g, '#'));
    }
    expect([...seen].some((s) => s.endsWith('HS CODE?'))).toBe(true);
    expect([...seen].some((s) => /PO##$/.test(s))).toBe(true);
    expect([...seen].some((s) => /MADE IN [A-Z]+$/.test(s))).toBe(true);
  });
});

describe('noisyCopies of the evaluation set', () => {
  const rows = loadRealisticSet();
  const noisy = noisyCopies(rows, REALISTIC_NOISY_SEED);

  it('is the same for the same seed and different for another', () => {
    expect(noisyCopies(rows, REALISTIC_NOISY_SEED)).toEqual(noisy);
    const other = noisyCopies(rows, 'another-seed');
    const differing = other.filter((row, i) => row.description !== noisy[i]?.description).length;
    expect(differing).toBeGreaterThan(rows.length * 0.8);
  });

  it('changes every row in a way the model sees, within the length the API accepts', () => {
    noisy.forEach((row, i) => {
      const clean = rows[i]?.description ?? '';
      expect({ id: row.id, same: normaliseText(row.description) === normaliseText(clean) }).toEqual({
        id: row.id,
        same: false,
      });
      expect(row.noise.length).toBeGreaterThan(0);
      expect(row.description.length).toBeLessThanOrEqual(DEFAULT_MAX_TEXT_LENGTH);
    });
  });

  it('keeps every label and field other than the description, in order', () => {
    expect(noisy.map(({ id, hs6, style, note }) => ({ id, hs6, style, note }))).toEqual(
      rows.map(({ id, hs6, style, note }) => ({ id, hs6, style, note })),
    );
  });

  it('mixes every kind of noise', () => {
    for (const kind of NOISE_KINDS) {
      const share = noisy.filter((row) => row.noise.includes(kind)).length / noisy.length;
      expect({ kind, enough: share > 0.1 }).toEqual({ kind, enough: true });
    }
  });

  it('gives each row the same copy whatever rows come before it', () => {
    const reversed = noisyCopies([...rows].reverse(), REALISTIC_NOISY_SEED).reverse();
    expect(reversed).toEqual(noisy);
    expect(noisyCopies(rows.slice(100, 110), REALISTIC_NOISY_SEED)).toEqual(noisy.slice(100, 110));
  });

  it('is the published realistic-v1-noisy, whose digest changes with any row', () => {
    const ifChanged = 'publish the changed rows under a new seed name and record their digest';
    expect({ digest: noisySetSha256(realisticV1Noisy()), ifChanged }).toEqual({
      digest: REALISTIC_NOISY_SHA256,
      ifChanged,
    });
    expect(noisySetSha256(noisyCopies(rows, 'another-seed'))).not.toBe(REALISTIC_NOISY_SHA256);
    const edited = noisy.map((row, i) => (i === 3 ? { ...row, hs6: '000000' } : row));
    expect(noisySetSha256(edited)).not.toBe(REALISTIC_NOISY_SHA256);
  });
});
