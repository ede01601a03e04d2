/**
 * Given-name diminutives and spelling/transliteration variants. Each line is one group of names that people use
 * for the same person; a name may sit in more than one group (Will is William or Wilfred). Names are written as
 * normalise.ts leaves them: lowercase, no accents. Family-name variants (transliterations) are at the end and are
 * used for family names too.
 */
const GROUPS = `
abigail abi abby abbie gail
abraham abe bram
adam addy
adrian ade
agnes aggie nessa
albert al bert bertie
alexander alex alec alek sandy xander lex alexandre alejandro alessandro sasha
alexandra alex alexa lexi sandra sasha alexandria
alfred alf alfie fred freddie
alice ali allie alicia alys
alison ali allie allison alyson
amanda mandy manda
amelia amy millie mia emilia
andrew andy drew andrea andreas
angela angie angelina
anne ann annie anna nancy nan hannah
anthony tony anton antony
antonia toni tonia
archibald archie
arthur art artie
barbara barb babs barbie
barnaby barney
bartholomew bart
beatrice bea trixie beatrix
benjamin ben benny benji
bernard bernie
bethany beth
bradley brad
brandon bran
bridget biddy bridie brigid
caroline carol carrie caro carolyn
catherine kate katie cathy cath kathryn katherine kathy kat kit katy kitty katrina kathleen caitlin
charles charlie chas chuck carl
charlotte lottie charlie lotte
christina chris tina christine kristina kirsty kristen kirsten
christopher chris kit topher kristopher cristopher
clarence clare
clifford cliff
cornelius neil con
cynthia cindy
daniel dan danny
danielle dani
david dave davey davy dafydd dai
deborah debbie deb debra
denise dee
dennis den
derek del
diana di diane dianne
dominic dom
donald don donnie
dorothy dot dottie dolly
douglas doug
edmund ed eddie ted ned
edward ed eddie ted teddy ned ward edd
eleanor ellie nell nora elle elinor elena
elizabeth liz lizzie beth betty bess bessie eliza elsie lisa libby elise lilibet betsy elisabeth
ellen ellie nell
emily em emmy millie emilie
emma em emmie
eric rick ricky
ernest ernie
esther essie hetty
eugene gene
evelyn evie eve
florence flo flossie
frances fran fanny frankie francesca
francis frank frankie
frederick fred freddie freddy fritz
gabriel gabe gabby
gabrielle gabby gabi
geoffrey geoff jeff jeffrey
george georgie
georgina georgia georgie gina
gerald gerry jerry ged
geraldine gerry dina
gertrude gertie trudy
gilbert gil bert
gregory greg
gwendolyn gwen wendy
harold harry hal
harriet hattie hetty harri
henry harry hal hank
herbert herb bert
howard howie
hugh hughie hugo
isaac ike zac
isabel isabella izzy bella isobel izzie belle libby
jacob jake jakub jakob
jacqueline jackie jacqui
james jim jimmy jamie jas jem
jane janey jenny jan
janet jan jenny
jasmine jas jazz yasmin yasmine
jeffrey jeff geoff
jennifer jen jenny jennie
jeremy jerry jez
jessica jess jessie
joanna jo joanne joan
joseph joe joey jo jos
josephine jo josie
joshua josh
judith judy jude
julia jules julie
julian jules
kenneth ken kenny
kimberley kim kimberly
lawrence larry laurie lawrie laurence
leonard len lenny leo
leonora nora leonie
lewis lew louis lou
lillian lily lil lilly
lucinda lucy cindy
lucy lucia lucie
luke lucas luka
madeleine maddie madeline madelyn maddy
margaret maggie meg peggy marge madge greta rita daisy maisie mags margo margot
marjorie marge margie
martin marty
mary molly polly mae mamie maria marie moira maureen
matilda tilly tilda maud
matthew matt matty mateusz
maximilian max maxim
maxwell max
megan meg
melanie mel
melissa mel missy lissa
michael mike mick mickey mikey mich michal mikael
michelle shelley micheline
miriam mimi
mitchell mitch
nathan nate nat
nathaniel nat nate nathan
nicholas nick nicky nico nikolas
nicola nicky nikki nicole
norman norm
oliver ollie olly
olivia liv livvy ollie
pamela pam
patricia pat patty trish tricia
patrick pat paddy
paul paulie pawel pablo
penelope penny
peter pete piotr pedro
philip phil pip phillip
phoebe phebe
priscilla cilla
rachel rach rae
raymond ray
rebecca becky becca bex
reginald reg reggie
richard rick ricky dick rich richie
robert rob bob bobby robbie bert robin
roberta bobbie robbie
rodney rod
ronald ron ronnie
rosemary rose rosie
rosalind ros roz
samantha sam sammie sammy
samuel sam sammy
sarah sally sadie sara
sebastian seb bastian
sidney sid sydney
simon si
sophia sophie sofia zofia
stanley stan
stephanie steph stevie
stephen steve stevie steven stefan
stuart stu stewart
susan sue susie suzanne suzy susanna
terence terry
theodore theo ted teddy
theresa terri tess tessa teresa tracy
thomas tom tommy thom tomas tomasz
timothy tim timmy
tobias toby
valentine val
valerie val
veronica ronnie vera
victoria vicky vic tori
vincent vince vinnie
violet vi
walter walt wally
wilfred wilf fred will
william will bill billy willie liam wills willy wiliam
winifred winnie freda
zachary zach zac zak zack
zoe zoey zowie
jonathan jon jonny johnny nathan jonathon
john jon johnny jack jock sean shaun shawn ian ewan evan juan jan johann jean
jack jackie jak
jennifer jenna
connor conor
aidan aiden ayden
callum calum
cameron cam
caitlin caitlyn kaitlyn katelyn
chloe cloe khloe
courtney courtenay
declan dec
demi demetria
dylan dillon
ellie elle ella
ethan eathan
evie eva eve
freya freja
grace gracie
hayden haydn
isla isley
jaden jayden jaiden
jodie jody jo
kayleigh kaylee kayley kaley
keira kiera kira
leah lea lia
lily lilly lillie
logan logie
mason mase
mia miah
mohammed muhammad mohamed mohammad mohamad muhammed mohammod mohd mahomed mohamud muhamad mohummed
ahmed ahmad ahmet amad
yusuf yousef yousuf yusef yosef yousif
ibrahim ebrahim ibraheem abraham
ismail ismael esmail
aisha ayesha aysha ayisha aishah ayeisha
fatima fatimah fatma fateema
hussain hussein husain husein hossain hussan
hassan hasan hassen
hasan hasaan
syed sayed sayyid sayyed
abdul abdel abdal
abdullah abdulla abdallah
ali aly
amir ameer emir
amina aminah ameena
asif asaf
ayaan ayan
bilal belal
faisal faysal feisal
farhan farhaan
hamza hamzah
haris harris
imran emran
khadija khadijah khadeeja
maryam mariam mariyam miriam
mustafa mustapha mostafa
nadia nadiya
omar umar omer
osman usman uthman othman
qasim kasim kassim
rahman rehman rahmaan
rashid rasheed
rukhsana ruksana
saeed said sayeed
safiya safia safiyah
salma salmah
samir sameer
shabana shabnam
shahid shaheed
sultan sulthan
tahir taheer
tariq tarik tarek
yasmin yasmeen yasmine jasmine
yaseen yasin yassin
zainab zaynab zeinab
zara zarah zahra
zubair zubayr
anwar anwer
arif areef
rizwan rizwaan
nasreen nasrin
parveen parvin perveen
shamima shamim
rahima raheema
ruhul ruhel
jahid zahid
tahmina tamina
sumaiya sumaya sumayyah
abu abo
anjali anjalee
deepak dipak
gurpreet gurprit
harpreet harprit
jaspreet jasprit
manpreet manprit
navdeep navdip
pooja puja
priya pria
rajesh rajes raj
rajinder rajindar raj
ravinder ravindar ravi
sandeep sandip
sanjay sanjai
sunil suneel
vijay vijai
arjun arjan
amrit amrita
harjit harjeet
kuldeep kuldip
paramjit paramjeet
sukhwinder sukhvinder
katarzyna kasia kasha kate kasienka
tomasz tomek
aleksandra ola olek alexandra
aleksander olek alexander
malgorzata gosia margaret
agnieszka aga agnes
magdalena magda madeleine
joanna asia
jakub kuba jacob
wojciech wojtek
krzysztof krzys christopher
lukasz luke lucas
pawel pawelek paul
piotr piotrek peter
bartosz bartek
mateusz mati matthew
michal michael
zuzanna zuza susan
natalia natalka natalie
dominika domi
weronika wera veronica
anna ania ann
marcin marcel
szymon simon
oluwaseun seun
oluwatobi tobi
oluwadamilare dami damilare
oluwafemi femi
oluwatosin tosin
oluwakemi kemi
temitope tope temi
olamide lami
chukwuemeka emeka
chiamaka amaka
adebayo bayo
oluwabukola bukola bukky
abimbola bimbo
olumide mide
babatunde tunde
ifeoluwa ife
chinonso nonso
chinedu nedu
kwame kwamie
kofi kofie
ama amma
abena abina
adwoa adjoa
nkechi nkem
precious presh
blessing bless
favour favor
tyrone ty
jermaine jermain
shanice shaniece
leroy lee roy
desmond des
winston winnie
marcus marc mark
ashley ash
`;

/** Family-name spellings that are the same name written by different people (transliteration, clerical habit). */
const FAMILY_GROUPS = `
chaudhry choudhury chowdhury chaudhary choudhry chaudry chaudri chowdhry choudhary
mohammed muhammad mohamed mohammad mohamad muhammed
ahmed ahmad
hussain hussein husain hossain
khan kahn
begum begom
akhtar akthar akhter
rahman rehman
iqbal ikbal
qureshi quraishi koreshi
siddiqui siddiqi siddique
mahmood mahmud mehmood
ali aly
sheikh shaikh shaik
patel pattel
singh sing
kaur kour
mirza merza
nowak novak
kowalski kowalsky
wisniewski wisniewska
lewandowski lewandowska
kaminski kaminska
zielinski zielinska
wojcik wojcick
mcdonald macdonald
mckenzie mackenzie
mclean maclean
thomson thompson
smith smyth
reid reed read
grey gray
philips phillips
stephens stevens
mathews matthews
jonson johnson
okafor okafo
adeyemi adeyemmi
`;

function parseGroups(text: string): string[][] {
  return text
    .split('\n')
    .map((line) => line.trim().split(/\s+/).filter(Boolean))
    .filter((g) => g.length > 1);
}

export const GIVEN_NAME_GROUPS: readonly string[][] = parseGroups(GROUPS);
export const FAMILY_NAME_GROUPS: readonly string[][] = parseGroups(FAMILY_GROUPS);

function index(groups: readonly string[][]): Map<string, number[]> {
  const byName = new Map<string, number[]>();
  groups.forEach((group, id) => {
    for (const name of group) {
      const ids = byName.get(name);
      if (ids) {
        if (!ids.includes(id)) ids.push(id);
      } else byName.set(name, [id]);
    }
  });
  return byName;
}

const GIVEN_INDEX = index(GIVEN_NAME_GROUPS);
const FAMILY_INDEX = index(FAMILY_NAME_GROUPS);

/** The groups a normalised given name belongs to (empty when it has no known variants). */
export function givenNameGroups(name: string): readonly number[] {
  return GIVEN_INDEX.get(name) ?? [];
}

export function familyNameGroups(name: string): readonly number[] {
  return FAMILY_INDEX.get(name) ?? [];
}

function shareGroup(a: readonly number[], b: readonly number[]): boolean {
  for (const x of a) if (b.includes(x)) return true;
  return false;
}

/** True when two different given names are known to be used for the same person (Bill and William). */
export function areNicknames(a: string, b: string): boolean {
  return a !== b && shareGroup(givenNameGroups(a), givenNameGroups(b));
}

export function areFamilyVariants(a: string, b: string): boolean {
  return a !== b && shareGroup(familyNameGroups(a), familyNameGroups(b));
}

/** Every name known to be used for the same person as `name`, itself included. */
export function variantsOf(name: string): string[] {
  const out = new Set<string>([name]);
  for (const id of givenNameGroups(name)) for (const n of GIVEN_NAME_GROUPS[id]!) out.add(n);
  return [...out];
}
