/**
 * Name pools for the demo population, one per community found in the three demo partnerships.
 * Lists run most common first (Random.common gives them a long-tailed frequency). Ethnicity codes
 * are the Children in Need census codes; first languages are stored by their English name.
 */

export type CommunityKey =
  | 'british'
  | 'irish'
  | 'pakistani'
  | 'bangladeshi'
  | 'indian_gujarati'
  | 'indian_punjabi'
  | 'polish'
  | 'romanian'
  | 'roma'
  | 'caribbean'
  | 'somali'
  | 'nigerian'
  | 'ghanaian'
  | 'chinese'
  | 'arab';

export interface Community {
  ethnicity: string;
  /** First languages of adults, most common first; children born here are often recorded as English. */
  languages: readonly string[];
  /** The share of children whose first language is recorded as the family's own (not English). */
  childHomeLanguage: number;
  /** The share of adults with a non-English first language who ask for an interpreter. */
  interpreter: number;
  boys: readonly string[];
  girls: readonly string[];
  men: readonly string[];
  women: readonly string[];
  /** A surname, or [masculine, feminine] where the language inflects it (Polish). */
  surnames: readonly (string | readonly [string, string])[];
  /** A [masculine, feminine] middle name many families in the community use (Sikh Singh and Kaur). */
  middleNames?: readonly [string, string];
}

/** A comma-separated list, written across lines for reading. */
export function list(text: string): string[] {
  return text
    .split(/[,\n]/)
    .map((s) => s.trim())
    .filter(Boolean);
}

/** As list(), with "Masculine/Feminine" where the language inflects a surname. */
function surnameList(text: string): (string | readonly [string, string])[] {
  return list(text).map((s) => (s.includes('/') ? (s.split('/') as [string, string]) : s));
}

export const COMMUNITIES: Record<CommunityKey, Community> = {
  british: {
    ethnicity: 'WBRI',
    languages: list('English'),
    childHomeLanguage: 0,
    interpreter: 0,
    boys: list(`
      Oliver, Noah, George, Leo, Arthur, Freddie, Theo, Harry, Jack, Charlie, Alfie, Oscar, Archie,
      Jacob, Henry, Thomas, Finley, Tommy, Reggie, Harrison, Riley, Mason, Joshua, Kai, Tyler, Dylan,
      Ethan, Callum, Liam, Jayden
    `),
    girls: list(`
      Olivia, Amelia, Isla, Ava, Lily, Freya, Ivy, Florence, Grace, Poppy, Sophia, Willow, Evie, Ella,
      Isabella, Mia, Rosie, Millie, Daisy, Harper, Erin, Chloe, Megan, Holly, Lacey, Skye, Maisie,
      Ruby, Jessica, Sophie
    `),
    men: list(`
      David, Paul, Mark, Daniel, James, Andrew, Christopher, Michael, Matthew, Lee, Craig, Stephen,
      Ryan, Jamie, Scott, Gary, Adam, Wayne, Carl, Luke, Dean, Ashley, Darren, Shaun, Kyle, Jordan,
      Nathan, Ben
    `),
    women: list(`
      Sarah, Emma, Laura, Claire, Gemma, Rebecca, Louise, Kelly, Hayley, Amy, Lisa, Nicola, Stacey,
      Jade, Charlotte, Danielle, Leanne, Kirsty, Natalie, Samantha, Zoe, Katie, Rachel, Vicky, Chelsea,
      Jodie, Kerry, Lauren
    `),
    surnames: surnameList(`
      Smith, Jones, Taylor, Brown, Wilson, Walker, Wood, Robinson, Wright, Thompson, Johnson, White,
      Green, Hall, Clarke, Jackson, Hughes, Harrison, Shaw, Atkinson, Lee, Turner, Hill, Moore, Cooper,
      Ward, Baker, Hirst, Barker, Holmes, Priestley, Sutcliffe, Ackroyd, Mitchell, Bennett, Dawson,
      Pearson, Chapman, Marsden, Wilkinson, Stephenson, Pickles, Haigh, Firth, Bailey, Cox, Webb,
      Ellis, Palmer, Hodgson
    `),
  },
  irish: {
    ethnicity: 'WIRI',
    languages: list('English'),
    childHomeLanguage: 0,
    interpreter: 0,
    boys: list('Jack, Sean, Conor, Oisin, Cian, Darragh, Patrick, Finn, Liam, Ronan'),
    girls: list('Aoife, Niamh, Ciara, Saoirse, Grace, Orla, Roisin, Caoimhe, Emily, Sinead'),
    men: list('Sean, Patrick, Declan, Brendan, Kevin, Michael, Eoin, Colm, Padraig, Ciaran'),
    women: list('Siobhan, Mary, Niamh, Bernadette, Aisling, Catherine, Maeve, Deirdre, Orla, Grainne'),
    surnames: surnameList(`
      Murphy, Kelly, Walsh, O'Sullivan, O'Brien, Byrne, Ryan, O'Connor, Doyle, McCarthy, Gallagher,
      Doherty, Kennedy, Lynch, Quinn, Brennan, Flanagan, Duffy
    `),
  },
  pakistani: {
    ethnicity: 'APKN',
    languages: list('Urdu, Punjabi, English, Pahari'),
    childHomeLanguage: 0.35,
    interpreter: 0.3,
    boys: list(`
      Muhammad, Ibrahim, Yusuf, Zayn, Hamza, Ayaan, Musa, Zakariya, Eesa, Haris, Rayyan, Abdullah,
      Umar, Ali, Daniyal, Arham
    `),
    girls: list(`
      Maryam, Aisha, Zara, Hafsa, Inaaya, Fatima, Amna, Aleena, Hania, Khadijah, Mariam, Safa, Eshal,
      Zainab, Anaya, Alisha
    `),
    men: list(`
      Mohammed, Imran, Asif, Tariq, Shahid, Zahid, Naveed, Amjad, Kamran, Waqas, Adnan, Khalid, Faisal,
      Sajid, Usman, Nadeem
    `),
    women: list(`
      Nasreen, Shazia, Samina, Rubina, Saima, Nadia, Farzana, Shabana, Ayesha, Sadia, Rukhsana, Sobia,
      Uzma, Mehreen, Hina, Iram
    `),
    surnames: surnameList(`
      Khan, Hussain, Ahmed, Ali, Akhtar, Iqbal, Mahmood, Rashid, Shah, Malik, Butt, Raja, Bibi, Aslam,
      Javed, Mirza, Younis, Sadiq, Riaz, Nawaz
    `),
  },
  bangladeshi: {
    ethnicity: 'ABAN',
    languages: list('Bengali, Sylheti, English'),
    childHomeLanguage: 0.3,
    interpreter: 0.35,
    boys: list('Muhammad, Rayhan, Ayaan, Safwan, Tanvir, Ismail, Arif, Zakir, Rahim, Sami'),
    girls: list('Sumaiya, Nusrat, Maryam, Tasnim, Raisa, Anika, Fariha, Sadia, Ruqayyah, Labiba'),
    men: list('Abdul, Shahin, Jamal, Kamal, Mizanur, Anwar, Ruhul, Habibur, Shafiq, Mujibur'),
    women: list('Rumana, Tahmina, Shirin, Salma, Rehana, Nazma, Rokeya, Sultana, Jesmin, Shahana'),
    surnames: surnameList(`
      Miah, Begum, Uddin, Rahman, Islam, Ahmed, Hoque, Chowdhury, Khatun, Ali, Hussain, Choudhury,
      Karim, Alom
    `),
  },
  indian_gujarati: {
    ethnicity: 'AIND',
    languages: list('Gujarati, English'),
    childHomeLanguage: 0.25,
    interpreter: 0.2,
    boys: list('Aarav, Krish, Dev, Arjun, Vihaan, Rohan, Jay, Neel, Aryan, Kavan'),
    girls: list('Anaya, Diya, Priya, Riya, Isha, Kavya, Meera, Sia, Aanya, Tara'),
    men: list('Rajesh, Sanjay, Nilesh, Hitesh, Ketan, Mehul, Paresh, Bhavesh, Ashok, Vijay'),
    women: list('Bhavna, Hetal, Nisha, Priti, Jyoti, Rekha, Sonal, Komal, Dipti, Hema'),
    surnames: surnameList(`
      Patel, Mistry, Parmar, Chauhan, Solanki, Lad, Shah, Vaghela, Chudasama, Makwana, Gohil, Modi,
      Joshi, Rathod
    `),
  },
  indian_punjabi: {
    ethnicity: 'AIND',
    languages: list('Punjabi, English'),
    childHomeLanguage: 0.2,
    interpreter: 0.2,
    boys: list('Arjun, Jasraj, Harvir, Gurveer, Ranveer, Armaan, Jaskaran, Sukhraj, Manveer, Karan'),
    girls: list('Simran, Jasleen, Harleen, Amrit, Gurleen, Navneet, Mehar, Jasmeet, Kiran, Anaya'),
    men: list(`
      Harpreet, Gurpreet, Jaswinder, Sukhwinder, Kuldip, Manjit, Balwinder, Rajinder, Parminder,
      Inderjit
    `),
    women: list('Harjit, Rajwinder, Manpreet, Kulwant, Jaspal, Sukhjit, Amandeep, Navdeep, Baljit, Gurdeep'),
    middleNames: ['Singh', 'Kaur'],
    surnames: surnameList('Singh/Kaur, Gill, Sandhu, Dhillon, Sidhu, Johal, Bains, Sahota, Sangha, Grewal, Atwal'),
  },
  polish: {
    ethnicity: 'WOTH',
    languages: list('Polish'),
    childHomeLanguage: 0.45,
    interpreter: 0.3,
    boys: list(`
      Jakub, Antoni, Szymon, Filip, Jan, Aleksander, Franciszek, Mikołaj, Wojciech, Kacper, Oliwer,
      Igor
    `),
    girls: list('Zuzanna, Julia, Zofia, Hanna, Maja, Lena, Alicja, Oliwia, Natalia, Amelia, Wiktoria, Laura'),
    men: list('Tomasz, Piotr, Marcin, Krzysztof, Paweł, Michał, Łukasz, Grzegorz, Dariusz, Rafał, Mariusz, Adam'),
    women: list(`
      Katarzyna, Agnieszka, Magdalena, Anna, Monika, Joanna, Ewelina, Justyna, Marta, Karolina,
      Paulina, Dorota
    `),
    surnames: surnameList(`
      Kowalski/Kowalska, Nowak, Wiśniewski/Wiśniewska, Wójcik, Kamiński/Kamińska,
      Lewandowski/Lewandowska, Zieliński/Zielińska, Szymański/Szymańska, Woźniak, Dąbrowski/Dąbrowska,
      Kozłowski/Kozłowska, Mazur, Jankowski/Jankowska, Krawczyk
    `),
  },
  romanian: {
    ethnicity: 'WOTH',
    languages: list('Romanian'),
    childHomeLanguage: 0.5,
    interpreter: 0.35,
    boys: list('Andrei, David, Luca, Matei, Alexandru, Ștefan, Gabriel, Darius'),
    girls: list('Maria, Ioana, Sofia, Elena, Daria, Ana, Bianca, Alesia'),
    men: list('Ionuț, Florin, Bogdan, Marius, Cristian, Adrian, Mihai, Vasile'),
    women: list('Andreea, Elena, Mihaela, Alina, Raluca, Gabriela, Florentina, Loredana'),
    surnames: surnameList('Popescu, Ionescu, Popa, Dumitru, Stoica, Constantin, Stan, Munteanu, Gheorghe, Rusu'),
  },
  roma: {
    ethnicity: 'WROM',
    languages: list('Romani, Slovak, Czech'),
    childHomeLanguage: 0.4,
    interpreter: 0.45,
    boys: list('Dávid, Samuel, Adrián, Dominik, Patrik, Denis, Marek, Kevin'),
    girls: list('Vanesa, Nikola, Denisa, Jessica, Simona, Natália, Klaudia, Sabina'),
    men: list('Jozef, Milan, Ladislav, Roman, Peter, Marián, Štefan, Róbert'),
    women: list('Monika, Renáta, Silvia, Jana, Marcela, Veronika, Lucia, Andrea'),
    surnames: surnameList('Lakatoš, Horváth, Baláž, Kureja, Oláh, Gaži, Dudi, Giňa, Rigo, Tancoš'),
  },
  caribbean: {
    ethnicity: 'BCRB',
    languages: list('English'),
    childHomeLanguage: 0,
    interpreter: 0,
    boys: list('Jayden, Tyrese, Malachi, Kai, Elijah, Isaiah, Reuben, Josiah, Marcus, Nathaniel'),
    girls: list('Kayla, Amara, Nia, Jada, Imani, Shanice, Leah, Keisha, Tia, Aaliyah'),
    men: list('Leroy, Marcus, Delroy, Winston, Andre, Clive, Trevor, Desmond, Carlton, Errol'),
    women: list('Denise, Janelle, Marcia, Sharon, Claudette, Natasha, Simone, Paulette, Yvonne, Donna'),
    surnames: surnameList(`
      Campbell, Brown, Williams, Thomas, Reid, Grant, Francis, Morgan, Richards, Henry, Bailey, Lewis,
      Gordon, Samuels, Forbes
    `),
  },
  somali: {
    ethnicity: 'BAFR',
    languages: list('Somali, English'),
    childHomeLanguage: 0.35,
    interpreter: 0.4,
    boys: list('Mohamed, Abdirahman, Yusuf, Ayanle, Abdullahi, Hamza, Zakariye, Ilyas'),
    girls: list('Hodan, Sagal, Hibo, Ayaan, Nasra, Ifrah, Sumaya, Fadumo'),
    men: list('Abdi, Hassan, Ahmed, Omar, Ismail, Abdiwali, Mahad, Liban'),
    women: list('Fartun, Hawa, Amina, Sahra, Ubah, Khadra, Asha, Deeqa'),
    surnames: surnameList('Mohamed, Hassan, Abdi, Ahmed, Omar, Warsame, Farah, Ali, Jama, Nur, Osman, Hersi'),
  },
  nigerian: {
    ethnicity: 'BAFR',
    languages: list('English, Yoruba, Igbo'),
    childHomeLanguage: 0.05,
    interpreter: 0,
    boys: list('David, Daniel, Tobi, Chidi, Samuel, Emmanuel, Ayomide, Chinedu, Joshua, Favour'),
    girls: list('Precious, Blessing, Adaeze, Ifeoma, Esther, Temi, Chioma, Deborah, Oluwaseun, Zion'),
    men: list('Oluwaseun, Chukwuemeka, Adebayo, Emeka, Babatunde, Ikenna, Olumide, Femi, Uche, Kunle'),
    women: list('Folasade, Ngozi, Adaora, Funmilayo, Chinwe, Bisola, Yetunde, Nkechi, Titilayo, Omolara'),
    surnames: surnameList(
      'Okafor, Adeyemi, Okonkwo, Adebayo, Eze, Oladipo, Nwosu, Balogun, Okeke, Afolabi, Obi, Ogunleye',
    ),
  },
  ghanaian: {
    ethnicity: 'BAFR',
    languages: list('English, Twi'),
    childHomeLanguage: 0.05,
    interpreter: 0,
    boys: list('Kwame, Kofi, Kwabena, Nana, Yaw, Jeremiah, Nathan, Caleb'),
    girls: list('Ama, Akosua, Abena, Efua, Adwoa, Naomi, Princess, Hannah'),
    men: list('Kwame, Kofi, Kwaku, Emmanuel, Isaac, Samuel, Ebenezer, Francis'),
    women: list('Akua, Abena, Efua, Comfort, Gifty, Mercy, Patience, Grace'),
    surnames: surnameList('Mensah, Asante, Boateng, Owusu, Osei, Agyeman, Appiah, Darko, Addo, Ofori'),
  },
  chinese: {
    ethnicity: 'CHNE',
    languages: list('Cantonese, Mandarin, English'),
    childHomeLanguage: 0.2,
    interpreter: 0.25,
    boys: list('Ethan, Ryan, Jason, Hao, Yichen, Lucas'),
    girls: list('Chloe, Grace, Mei, Xinyi, Emily, Jasmine'),
    men: list('Wei, Jun, Kin, Ming, Chi Keung, Jian'),
    women: list('Li, Mei Ling, Xiu, Wai Yee, Yan, Hui'),
    surnames: surnameList('Chen, Wong, Li, Chan, Zhang, Liu, Wang, Lam, Cheung, Ho'),
  },
  arab: {
    ethnicity: 'OOTH',
    languages: list('Arabic, Kurdish'),
    childHomeLanguage: 0.55,
    interpreter: 0.6,
    boys: list('Omar, Yousef, Adam, Kareem, Ahmad, Hadi, Sami, Zaid'),
    girls: list('Layla, Rania, Sham, Nour, Yasmin, Lana, Jana, Huda'),
    men: list('Khaled, Mahmoud, Bassam, Rami, Nabil, Walid, Ziad, Hussam'),
    women: list('Rasha, Hiba, Dalia, Samar, Manal, Rima, Lina, Ghada'),
    surnames: surnameList('Al-Hassan, Khalil, Haddad, Al-Ahmad, Hamdan, Saleh, Darwish, Mansour, Ibrahim, Aziz'),
  },
};

/** The mixed-heritage code for a child of parents from two communities (CIN census). */
export function mixedEthnicity(a: string, b: string): string {
  const pair = new Set([a, b]);
  const white = [...pair].some((c) => c.startsWith('W'));
  if (white && pair.has('BCRB')) return 'MWBC';
  if (white && pair.has('BAFR')) return 'MWBA';
  if (white && [...pair].some((c) => c.startsWith('A'))) return 'MWAS';
  return 'MOTH';
}

/** Picks a surname, inflected for sex where the language does. */
export function surnameFor(entry: string | readonly [string, string], sex: 'M' | 'F'): string {
  return typeof entry === 'string' ? entry : sex === 'M' ? entry[0] : entry[1];
}
