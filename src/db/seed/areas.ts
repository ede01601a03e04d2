import type { AreaKind } from '../schema.ts';
import { type CommunityKey, list } from './names.ts';

/**
 * Where the demo families live: three partnerships and their areas, clusters and localities. Postcodes
 * use each place's real outward codes with made-up inward codes; every street name is invented.
 */

export interface AreaDef {
  key: string;
  name: string;
  kind: AreaKind;
  parent: string | null;
  town?: string;
  outward?: readonly string[];
  streets?: readonly string[];
  /** The local authority number used in pupils' UPNs. */
  laNumber?: number;
  households?: number;
  /** Relative weights of the communities households are drawn from. */
  communities?: Partial<Record<CommunityKey, number>>;
}

export const LEA_AREAS: AreaDef[] = [
  {
    key: 'lea-north',
    name: 'Lea North',
    kind: 'area',
    parent: 'lea',
    town: 'Luton',
    outward: ['LU3', 'LU4'],
    laNumber: 821,
    households: 27,
    streets: list(`
      Warden Rise, Larkspur Row, Sundon Crescent, Kestrel Way, Harebell Close,
      Chalkdown Road, Linnet Avenue, Millfield Grove, Brambling Drive, Oakmoor Gardens
    `),
    communities: {
      british: 40,
      irish: 4,
      pakistani: 20,
      bangladeshi: 6,
      indian_punjabi: 3,
      polish: 8,
      romanian: 4,
      roma: 3,
      caribbean: 6,
      nigerian: 3,
      ghanaian: 2,
      somali: 1,
    },
  },
  {
    key: 'lea-central',
    name: 'Lea Central',
    kind: 'area',
    parent: 'lea',
    town: 'Luton',
    outward: ['LU1', 'LU2'],
    laNumber: 821,
    households: 27,
    streets: list(`
      Hatters Lane, Plaiter Street, Castle Mill Road, Bluebell Terrace, Wardown Walk,
      Guildford Row, Strawplait Court, Ashburnham Road, Chapel Yard, Crescent Mews
    `),
    communities: {
      pakistani: 32,
      bangladeshi: 14,
      british: 20,
      indian_gujarati: 3,
      indian_punjabi: 4,
      polish: 6,
      romanian: 5,
      roma: 4,
      caribbean: 5,
      somali: 3,
      nigerian: 2,
      arab: 2,
    },
  },
  {
    key: 'lea-south',
    name: 'Lea South',
    kind: 'area',
    parent: 'lea',
    town: 'Luton',
    outward: ['LU1', 'LU2'],
    laNumber: 821,
    households: 27,
    streets: list(`
      Chiltern Green Road, Beechwood Drive, Farley Meadow, Whitethorn Lane, Hillborough Close,
      Skylark Rise, Downlands Avenue, Cowslip Way, Hayfield Crescent, Pondside Gardens
    `),
    communities: {
      british: 50,
      irish: 5,
      pakistani: 10,
      indian_gujarati: 4,
      polish: 8,
      caribbean: 7,
      ghanaian: 4,
      nigerian: 4,
      romanian: 3,
      chinese: 2,
    },
  },
];

export const AIRE_CLUSTERS: AreaDef[] = [
  {
    key: 'airedale',
    name: 'Airedale',
    kind: 'cluster',
    parent: 'aire',
    town: 'Leeds',
    outward: ['LS12', 'LS13'],
    laNumber: 383,
    households: 15,
    streets: list(`
      Wortley Beck Road, Canal Wharf Terrace, Fulling Mill Lane, Weavers Row, Goit Side,
      Heron Bank, Tannery Fold, Stanningley Mount, Dyehouse Street, Towpath Close
    `),
    communities: { british: 72, polish: 8, irish: 3, pakistani: 5, roma: 4, caribbean: 3, nigerian: 2, romanian: 3 },
  },
  {
    key: 'meanwood',
    name: 'Meanwood Beck',
    kind: 'cluster',
    parent: 'aire',
    town: 'Leeds',
    outward: ['LS6', 'LS7'],
    laNumber: 383,
    households: 15,
    streets: list(`
      Beckside Walk, Tannery Mews, Hollin Bank, Stonegate Rise, Ridge Wood Road,
      Alder Grove, Sugarwell View, Scott Hall Place, Chapel Brook Street, Potternewton Row
    `),
    communities: {
      british: 45,
      pakistani: 12,
      indian_punjabi: 8,
      caribbean: 10,
      nigerian: 6,
      chinese: 4,
      polish: 6,
      arab: 3,
      irish: 3,
      somali: 3,
    },
  },
  {
    key: 'gipton',
    name: 'Gipton Moor',
    kind: 'cluster',
    parent: 'aire',
    town: 'Leeds',
    outward: ['LS8', 'LS9'],
    laNumber: 383,
    households: 15,
    streets: list(`
      Moorside Approach, Gledhow Vale Road, Oakwood Gate, Fearnville Close, Harewood Croft,
      Amberton Way, Brackenwood Drive, Thorn Mount, Easterly Grove, Wykebeck Lane
    `),
    communities: {
      british: 45,
      pakistani: 15,
      bangladeshi: 5,
      roma: 8,
      polish: 6,
      romanian: 6,
      nigerian: 6,
      somali: 4,
      arab: 3,
      caribbean: 2,
    },
  },
  {
    key: 'holbeck',
    name: 'Holbeck Mills',
    kind: 'cluster',
    parent: 'aire',
    town: 'Leeds',
    outward: ['LS10', 'LS11'],
    laNumber: 383,
    households: 15,
    streets: list(`
      Flax Mill Street, Marshall Yard, Temple Row, Beeston Hill Road, Cross Flatts Grove,
      Hunslet Moor Walk, Engine Shed Lane, Foundry Place, Millwright Close, Sweet Street West
    `),
    communities: { british: 60, polish: 10, roma: 6, romanian: 5, pakistani: 6, nigerian: 5, caribbean: 4, arab: 4 },
  },
  {
    key: 'seacroft',
    name: 'Seacroft Vale',
    kind: 'cluster',
    parent: 'aire',
    town: 'Leeds',
    outward: ['LS14', 'LS15'],
    laNumber: 383,
    households: 15,
    streets: list(`
      Vale Green, Kentmere Rise, Swarcliffe Way, Whinmoor Gardens, Ashbrook Close,
      Redhall Crescent, Moresdale Lane, Denis Row, Brooklands Walk, Cross Gates Mews
    `),
    communities: { british: 80, irish: 4, polish: 5, caribbean: 3, nigerian: 3, ghanaian: 2, pakistani: 3 },
  },
];

export const SOAR_LOCALITIES: AreaDef[] = [
  {
    key: 'soar-city',
    name: 'Soar City East',
    kind: 'locality',
    parent: 'soar',
    town: 'Leicester',
    outward: ['LE4', 'LE5'],
    laNumber: 856,
    households: 19,
    streets: list(`
      Belgrave Mill Road, Melton Gate, Rushey Fields Walk, Hosiery Street, Gipsy Lane Close,
      Spinney Hill Rise, Humberstone Row, Loom Court, Catherine Mews, Thurmaston Way
    `),
    communities: {
      indian_gujarati: 35,
      indian_punjabi: 8,
      british: 20,
      somali: 12,
      polish: 8,
      pakistani: 5,
      bangladeshi: 3,
      caribbean: 3,
      romanian: 3,
      arab: 3,
    },
  },
  {
    key: 'charnwood',
    name: 'Charnwood Fields',
    kind: 'locality',
    parent: 'soar',
    town: 'Loughborough',
    outward: ['LE11', 'LE12'],
    laNumber: 855,
    households: 13,
    streets: list(`
      Bellfounders Way, Outwoods Drive, Soar Meadow, Canal Bank Close, Forest Edge Road,
      Nanpantan Rise, Ashby Fold, Brookside Terrace, Bell Foundry Lane, Shelthorpe Grove
    `),
    communities: { british: 70, indian_gujarati: 10, polish: 7, indian_punjabi: 4, chinese: 4, irish: 3, caribbean: 2 },
  },
  {
    key: 'rutmoor',
    name: 'Rutmoor',
    kind: 'locality',
    parent: 'soar',
    town: 'Oakham',
    outward: ['LE15'],
    laNumber: 857,
    households: 12,
    streets: list(`
      Catmose Vale, Ironstone Close, Wharf Road, Gunthorpe Lane, Burley Rise,
      Rutland Water View, Hambleton Way, Cold Overton Road, Market Close, Somerby Walk
    `),
    communities: { british: 88, irish: 4, polish: 5, romanian: 3 },
  },
];

export const PARTNERSHIP_AREAS: AreaDef[] = [
  { key: 'lea', name: "Lea Borough Children's Partnership", kind: 'partnership', parent: null },
  { key: 'aire', name: "Aire City Children's Partnership", kind: 'partnership', parent: null },
  { key: 'soar', name: "Soar and Rutmoor Children's Partnership", kind: 'partnership', parent: null },
];
