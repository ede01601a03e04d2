/**
 * Fictional-population name lists for the communities of a northern English city (Leeds' largest: White British,
 * Pakistani, Bangladeshi, Indian, Polish, Black African, Black Caribbean). Each list is in rough order of
 * popularity; the generator draws with Zipf-like weights, so the first names are much commoner than the last.
 */

export interface Community {
  name: string;
  /** Share of households. */
  share: number;
  boys: string[];
  girls: string[];
  surnames: string[];
  /** Family names that differ for girls (Polish -ska) or are given by sex (Sikh Singh/Kaur, Bengali Begum). */
  girlSurname?: (surname: string) => string;
  boySurname?: (surname: string) => string;
  /** Chance that a child carries a hyphenated (double-barrelled) family name. */
  hyphenated?: number;
}

const words = (s: string) => s.trim().split(/\s+/);

const britishBoys = words(`
oliver george harry noah jack leo arthur oscar charlie jacob thomas henry william freddie alfie theo
archie joshua james isaac edward alexander joseph max lucas ethan teddy samuel daniel reggie tommy finley logan
jaxon adam riley harrison benjamin louie sebastian elijah dylan albert hunter mason toby jude rory ronnie tyler
jenson ezra hugo frankie louis zachary reuben luca harvey stanley david caleb michael jayden jake ryan callum kian
lewis connor liam nathan luke matthew kyle bradley jamie owen aaron cameron declan kieran nathaniel billy bobby
`);
const britishGirls = words(`
olivia amelia isla ava mia ivy lily isabella rosie sophia grace willow freya florence emily ella poppy evie elsie
charlotte evelyn sienna sofia daisy phoebe sophie alice harper matilda ruby emilia maya millie isabelle hallie
eva esme violet ellie jessica chloe lucy holly scarlett erin layla maisie molly bella amelie eliza imogen lottie
hannah georgia katie lauren megan bethany abigail rebecca sarah jasmine leah paige courtney amber kayleigh
jade shannon caitlin niamh zoe elizabeth catherine kathryn victoria rachel natalie jennifer samantha
`);
const britishSurnames = words(`
smith jones taylor brown williams wilson johnson davies robinson wright thompson evans walker white roberts green
hall wood jackson clarke lewis james phillips mason mitchell rose davis cox alexander
morris ward hughes turner harrison cooper martin shaw scott young lee edwards moore hill king baker clark allen
harris carter parker bennett murray bell kelly collins morgan watson stewart marshall cook richardson anderson
price graham hunt holmes palmer russell simpson atkinson fletcher hudson pearson wilkinson barker lloyd dixon
armstrong booth dawson ellis fox hartley hirst holroyd ackroyd sutcliffe greenwood butterworth haigh brook
lockwood crowther firth broadbent swales townend pickles rhodes hargreaves ormerod whitaker appleyard mcdonald
o'brien o'neill mcgrath murphy ryan byrne doherty gallagher kennedy quinn
`);

const pakistaniBoys = words(`
muhammad mohammed ali ibrahim yusuf hamza zayn musa adam ayaan zakariya umar abdullah bilal hassan hussain ahmed
imran usman haris rayyan arham aariz ahmad zain faisal imaan shahzad kamran tariq rizwan asif amir idris ismail
yaseen sufyan talha safwan danyal
`);
const pakistaniGirls = words(`
maryam aisha fatima zainab hafsa khadija zara hania inaya amina ayesha aleena eman noor anaya sara iqra hira
mehwish sana saima nadia rabia bushra amna mahnoor alishba aleesha zoya hajra safa samina ruqayyah sumaiya
`);
const pakistaniSurnames = words(`
khan hussain ahmed ali mahmood akhtar iqbal shah bibi rashid butt bashir aslam rehman qureshi raza anwar
javed malik mirza sadiq siddiqui yousaf nawaz riaz shafiq kauser latif zaman tariq chaudhry saleem
`);

const bangladeshiBoys = words(`
mohammed muhammad abdul rahim ayaan ibrahim yusuf sami rayhan tahmid arif shahid jamal sayem rubel habib
nazmul shafiq kamal faruk saiful mahfuz rakib hasan hussain tanvir
`);
const bangladeshiGirls = words(`
fatima aisha sumaiya tahmina nusrat ruksana rahima shamima jannat sadia taslima maryam nadia farzana afsana
munira habiba salma sabina rumana
`);
const bangladeshiSurnames = words(`
miah uddin ahmed rahman islam hossain ali chowdhury begum khatun alam haque karim hussain sheikh talukder sarkar
khan akter mollah
`);

const indianBoys = words(`
arjun aarav vihaan krish dev rohan jai aryan ishaan harjot gurpreet harpreet jaspreet manpreet navdeep
sandeep rajesh sanjay sunil vijay deepak amrit kabir ravi nikhil rahul
`);
const indianGirls = words(`
anaya priya anika diya riya simran navneet jasleen harleen amrita gurleen pooja anjali sonia neha meera kiran
jasmin tanvi ishani kavya
`);
const indianSurnames = words(`
patel sharma kumar gill sandhu sidhu dhillon mistry shah mehta joshi chauhan parmar bains atwal grewal johal
sahota virdi rai kaur singh lal bhatti
`);

const polishBoys = words(`
jakub antoni jan szymon aleksander franciszek filip mikolaj wojciech kacper adam michal marcel wiktor piotr
mateusz bartosz tomasz krzysztof pawel lukasz dawid oskar igor
`);
const polishGirls = words(`
zuzanna julia zofia hanna maja lena alicja maria amelia oliwia natalia wiktoria aleksandra pola laura nadia
katarzyna agnieszka magdalena weronika emilia martyna gabriela
`);
const polishSurnames = words(`
nowak kowalski wisniewski wojcik kowalczyk kaminski lewandowski zielinski szymanski wozniak dabrowski kozlowski
jankowski mazur kwiatkowski krawczyk piotrowski grabowski nowakowski pawlowski michalski adamczyk dudek zajac
`);

const africanBoys = words(`
david daniel samuel joshua emmanuel michael isaac elijah victor praise tobi femi seun emeka chidi kwame kofi
abdi mohamed hassan yusuf ayomide oluwaseun tunde ifeanyi
`);
const africanGirls = words(`
precious blessing favour grace esther deborah ruth comfort peace abena ama adwoa chiamaka nkechi temitope
ifeoluwa amina hodan fartun faith joy gift mercy
`);
const africanSurnames = words(`
okafor adeyemi mensah osei boateng okonkwo ogunleye adebayo olawale eze nwosu owusu asante appiah abdi mohamed
hassan ali ahmed omar adeleke afolabi babatunde oyelaran
`);

const caribbeanBoys = words(`
jayden tyrese malachi kai zion isaiah josiah marcus jermaine tyrone andre leon dwayne nathaniel reuben jordan
kyle elijah joel darnell
`);
const caribbeanGirls = words(`
nia aaliyah jada shanice kayla tianna imani naomi zara amara leah jasmine shantelle latoya kezia chantelle
keisha renee monique destiny
`);
const caribbeanSurnames = words(`
brown campbell williams thomas james clarke francis grant reid henry johnson robinson richards lewis walker
morgan stewart edwards samuels bailey
`);

const polishFeminine = (s: string) => (s.endsWith('ski') ? s.replace(/ski$/, 'ska') : s);

export const COMMUNITIES: Community[] = [
  {
    name: 'White British',
    share: 0.66,
    boys: britishBoys,
    girls: britishGirls,
    surnames: britishSurnames,
    hyphenated: 0.04,
  },
  { name: 'Pakistani', share: 0.09, boys: pakistaniBoys, girls: pakistaniGirls, surnames: pakistaniSurnames },
  {
    name: 'Bangladeshi',
    share: 0.03,
    boys: bangladeshiBoys,
    girls: bangladeshiGirls,
    surnames: bangladeshiSurnames,
    girlSurname: (s) => (s === 'miah' || s === 'uddin' ? 'begum' : s),
  },
  {
    name: 'Indian',
    share: 0.05,
    boys: indianBoys,
    girls: indianGirls,
    surnames: indianSurnames,
    girlSurname: (s) => (s === 'singh' ? 'kaur' : s),
    boySurname: (s) => (s === 'kaur' ? 'singh' : s),
  },
  {
    name: 'Polish',
    share: 0.06,
    boys: polishBoys,
    girls: polishGirls,
    surnames: polishSurnames,
    girlSurname: polishFeminine,
  },
  { name: 'Black African', share: 0.06, boys: africanBoys, girls: africanGirls, surnames: africanSurnames },
  {
    name: 'Black Caribbean',
    share: 0.05,
    boys: caribbeanBoys,
    girls: caribbeanGirls,
    surnames: caribbeanSurnames,
    hyphenated: 0.05,
  },
];

export const STREETS = words(`
church station park victoria albert queen king mill high chapel school north south west east spring green
manor oak elm beech ash cedar willow meadow field moor dale hill valley bridge canal river wood forest grange
hall farm cross market new west-end harehills chapeltown roundhay headingley burley kirkstall armley bramley
holbeck beeston hunslet seacroft gipton halton temple garforth otley ilkley wetherby pudsey morley rothwell
`);
export const STREET_TYPES = words(
  'street road lane avenue close drive crescent grove terrace place way gardens view mount',
);
export const TOWNS = words(
  'leeds bradford wakefield halifax huddersfield keighley dewsbury batley castleford pontefract',
);
/** Outward areas weighted towards West Yorkshire, with some elsewhere (families move). */
export const POSTCODE_AREAS = words('LS LS LS LS LS LS BD BD BD WF WF HX HD HD B M E N SW OL BB LE L NE S');
