#include "identity/scenario/pools.h"

#include <string_view>

namespace clientele::identity::scenario {
namespace {

using sv = std::string_view;

constexpr sv kTrFemale[] = {
    "Ayşe",    "Fatma",   "Emine",  "Hatice", "Zeynep",   "Elif",    "Meryem",  "Şerife",
    "Zehra",   "Sultan",  "Merve",  "Havva",  "Zeliha",   "Esra",    "Özlem",   "Hacer",
    "Melek",   "Yasemin", "Rabia",  "Hülya",  "Büşra",    "Songül",  "Leyla",   "Gülsüm",
    "Derya",   "Dilek",   "Kübra",  "Tuğba",  "Sevgi",    "Ebru",    "Özge",    "Şule",
    "Gamze",   "İrem",    "Aslı",   "Çiğdem", "Eda",      "Ece",     "Buse",    "Damla",
    "Pınar",   "Sibel",   "Nurcan", "Gülşen", "Şeyma",    "İpek",    "Ceren",   "Aylin",
    "Duygu",   "Cansu",   "Beyza",  "Sena",   "Işıl",     "Ayşegül", "Müge",    "Öykü",
    "Nilüfer", "Gökçe",   "Selin",  "Nazlı",  "Yağmur",   "Begüm",   "Tülay",   "Şükran",
    "Gülay",   "Çağla",   "Ilgın",  "Dilara", "Ezgi",     "Burcu",   "Filiz",   "Nermin",
    "Ahsen",   "Aleyna",  "Almila", "Arzu",   "Asiye",    "Aysel",   "Ayten",   "Azra",
    "Bahar",   "Banu",    "Belgin", "Berna",  "Betül",    "Bilge",   "Canan",   "Cemile",
    "Defne",   "Deniz",   "Didem",  "Dilan",  "Ebrar",    "Elçin",   "Emel",    "Esma",
    "Feride",  "Fikriye", "Gizem",  "Gönül",  "Güler",    "Gülizar", "Gülten",  "Hande",
    "Hayriye", "Hilal",   "Irmak",  "İclal",  "İlknur",   "İnci",    "Kader",   "Lale",
    "Lütfiye", "Melike",  "Meltem", "Mine",   "Münevver", "Nazan",   "Nesrin",  "Neslihan",
    "Nihan",   "Nuray",   "Nurten", "Pelin",  "Perihan",  "Reyhan",  "Sabriye", "Saadet",
    "Seda",    "Selda",   "Semra",  "Serap",  "Sevda",    "Sevim",   "Sezen",   "Simge",
    "Şebnem",  "Şenay",   "Şengül", "Tuba",   "Türkan",   "Ülkü",    "Ümran",   "Yeliz",
    "Yıldız",  "Zübeyde", "Zerrin", "Feyza",  "Ecrin",    "Nehir",   "Zümra",   "Elvan",
    "Berrak"};
constexpr sv kTrMale[] = {
    "Mehmet",  "Mustafa", "Ahmet",    "Ali",     "Hüseyin", "Hasan",   "İbrahim",  "İsmail",
    "Osman",   "Yusuf",   "Murat",    "Ömer",    "Ramazan", "Halil",   "Süleyman", "Abdullah",
    "Mahmut",  "Recep",   "Salih",    "Fatih",   "Kadir",   "Emre",    "Hakan",    "Adem",
    "Kemal",   "Yaşar",   "Bekir",    "Musa",    "Metin",   "Serkan",  "Burak",    "Uğur",
    "Erkan",   "Cem",     "Can",      "Barış",   "Oğuz",    "Çağrı",   "Gökhan",   "Özgür",
    "Tolga",   "Şükrü",   "Doğan",    "Ercan",   "Volkan",  "Onur",    "Tuncay",   "İlker",
    "Berk",    "Kaan",    "Arda",     "Deniz",   "Eren",    "Yiğit",   "Görkem",   "Efe",
    "Alper",   "Sinan",   "Cihan",    "Şahin",   "Tarık",   "Ümit",    "Levent",   "Erdem",
    "Batuhan", "Furkan",  "Enes",     "Oğuzhan", "Çetin",   "Ilgaz",   "Selçuk",   "Nihat",
    "Akın",    "Anıl",    "Aydın",    "Bahadır", "Baran",   "Bayram",  "Bülent",   "Caner",
    "Celal",   "Cengiz",  "Coşkun",   "Dursun",  "Ediz",    "Egemen",  "Ekrem",    "Emin",
    "Engin",   "Ersin",   "Ertuğrul", "Faruk",   "Ferhat",  "Fikret",  "Göksel",   "Gürkan",
    "Halis",   "Hamza",   "Haydar",   "Hikmet",  "Hilmi",   "İlhan",   "İsa",      "Kerem",
    "Koray",   "Kubilay", "Kürşat",   "Mert",    "Mesut",   "Muammer", "Necati",   "Nuri",
    "Orhan",   "Özcan",   "Rıza",     "Sabri",   "Sadık",   "Sami",    "Sedat",    "Selim",
    "Sercan",  "Serdar",  "Sezgin",   "Şafak",   "Şener",   "Şenol",   "Taner",    "Tayfun",
    "Tekin",   "Turgut",  "Tuğrul",   "Umut",    "Ünal",    "Vedat",   "Yakup",    "Yalçın",
    "Yavuz",   "Yunus",   "Zafer",    "Zeki",    "Çağlar",  "Ozan",    "Alp",      "Atakan",
    "Doruk",   "Rüzgar",  "Mirza",    "Cavit"};
constexpr sv kTrFamily[] = {
    "Yılmaz",   "Kaya",         "Demir",      "Şahin",     "Çelik",      "Yıldız",    "Yıldırım",
    "Öztürk",   "Aydın",        "Özdemir",    "Arslan",    "Doğan",      "Kılıç",     "Aslan",
    "Çetin",    "Kara",         "Koç",        "Kurt",      "Özkan",      "Şimşek",    "Polat",
    "Özer",     "Korkmaz",      "Erdoğan",    "Yavuz",     "Çakır",      "Aktaş",     "Güneş",
    "Akın",     "Bulut",        "Türk",       "Işık",      "Tekin",      "Güler",     "Özçelik",
    "Karataş",  "Uçar",         "Ünal",       "Acar",      "Sarı",       "Keskin",    "Gür",
    "Şen",      "Erdem",        "Ateş",       "Avcı",      "Bozkurt",    "Kaplan",    "Tunç",
    "Yüksel",   "Çiftçi",       "Başaran",    "Gündüz",    "Uysal",      "Altun",     "Coşkun",
    "Ekinci",   "Özkaya",       "Karakaya",   "Bayram",    "Sönmez",     "Duman",     "Akgül",
    "Kocabaş",  "Ağaoğlu",      "Eroğlu",     "Kahraman",  "Çınar",      "Gök",       "Uğurlu",
    "Önal",     "İnce",         "Durmaz",     "Tuna",      "Köse",       "Ilıcak",    "Değirmenci",
    "Kırmızı",  "Karagöz",      "Akbulut",    "Özgür",     "Taş",        "Yalçın",    "Ergün",
    "Sezer",    "Toprak",       "Çalışkan",   "Şeker",     "Güven",      "Kılınç",    "Aksoy",
    "Dinç",     "Akyüz",        "Oral",       "Sağlam",    "Orhan",      "Yiğit",     "Altıntaş",
    "Akkaya",   "Aksu",         "Aktürk",     "Albayrak",  "Alkan",      "Altınok",   "Arıkan",
    "Atalay",   "Ayaz",         "Aydoğan",    "Babacan",   "Bakır",      "Balcı",     "Bektaş",
    "Bilgin",   "Bilgiç",       "Boz",        "Bozdağ",    "Budak",      "Canpolat",  "Cebeci",
    "Cengiz",   "Ceylan",       "Cömert",     "Çakmak",    "Çamlı",      "Çavuşoğlu", "Çevik",
    "Demirci",  "Demirel",      "Demirtaş",   "Dikmen",    "Dönmez",     "Durak",     "Duran",
    "Elmas",    "Erbaş",        "Erdoğdu",    "Eren",      "Ergin",      "Erkan",     "Ersoy",
    "Esen",     "Fidan",        "Gedik",      "Gençtürk",  "Gökçe",      "Göktaş",    "Gül",
    "Gülen",    "Gümüş",        "Gündoğdu",   "Güngör",    "Günay",      "Gürbüz",    "Güzel",
    "Hacıoğlu", "Ilgaz",        "İpek",       "Kalkan",    "Karaca",     "Karahan",   "Karakuş",
    "Karaman",  "Kartal",       "Kavak",      "Kaynak",    "Kazan",      "Kesici",    "Kırış",
    "Kocaman",  "Kuru",         "Kuş",        "Mutlu",     "Oğuz",       "Okur",      "Öner",
    "Özbek",    "Özcan",        "Özdoğan",    "Özen",      "Özkök",      "Öztekin",   "Pamuk",
    "Parlak",   "Saygın",       "Selvi",      "Sevinç",    "Soylu",      "Sözen",     "Sürmeli",
    "Şahbaz",   "Şanlı",        "Şentürk",    "Tan",       "Tanrıverdi", "Tarhan",    "Taşdemir",
    "Temiz",    "Tezcan",       "Topal",      "Tosun",     "Turan",      "Tütüncü",   "Uçan",
    "Ulusoy",   "Uzun",         "Üstün",      "Vural",     "Yalçınkaya", "Yaman",     "Yazıcı",
    "Yeşil",    "Yıldırımoğlu", "Yılmazer",   "Yurt",      "Yücel",      "Zengin",    "Akgündüz",
    "Sarıkaya", "Kocabıyık",    "Büyükşahin", "Küçükkaya", "Karabulut",  "Ağca",      "Dağdelen",
    "Tatlıdil", "Bozoğlu",      "Gürsoy",     "Kızılkaya"};
constexpr sv kTrStreets[] = {"Atatürk",    "İstiklal",      "Cumhuriyet",
                             "Gazi",       "Bağdat",        "Menekşe",
                             "Lale",       "Gül",           "Papatya",
                             "Çınar",      "Kurtuluş",      "Millet",
                             "Ihlamur",    "Söğütlü",       "Değirmen",
                             "Çağlayan",   "Ertuğrul Gazi", "Fevzi Çakmak",
                             "İnönü",      "Mimar Sinan",   "Şehit Mustafa Yıldız",
                             "Barbaros",   "Yeşilçam",      "Şair Nedim",
                             "Kızılırmak", "Öğretmenler",   "Fıstıklı",
                             "Çamlıca",    "Nergis",        "Zambak",
                             "Karanfil",   "Yaşam",         "Gönül"};
constexpr sv kTrStreetTypes[] = {"Caddesi", "Sokak", "Sokağı", "Bulvarı"};
constexpr sv kTrNeighbourhoods[] = {
    "Cumhuriyet", "Atatürk",    "Fatih",     "Yeni",    "Bahçelievler", "Çamlık",  "Gültepe",
    "Yıldıztepe", "İnönü",      "Barış",     "Kültür",  "Esentepe",     "Moda",    "Caferağa",
    "Göztepe",    "Şirinevler", "Güzelyalı", "Çiçekli", "Işıklar",      "Üçevler", "Hürriyet"};
constexpr sv kTrEmailDomains[] = {"gmail.com",   "hotmail.com", "yandex.com.tr", "outlook.com",
                                  "icloud.com",  "yahoo.com",   "mynet.com",     "gmail.com",
                                  "hotmail.com", "gmail.com"};
constexpr sv kTrMobile[] = {"501", "505", "506", "507", "530", "531", "532", "533", "534", "535",
                            "536", "537", "538", "539", "541", "542", "543", "544", "545", "546",
                            "547", "548", "549", "551", "552", "553", "554", "555"};

constexpr District kIstanbulAnadolu[] = {{"Kadıköy", "34710"},  {"Üsküdar", "34660"},
                                         {"Ataşehir", "34750"}, {"Maltepe", "34840"},
                                         {"Ümraniye", "34760"}, {"Kartal", "34860"}};
constexpr District kIstanbulAvrupa[] = {
    {"Beşiktaş", "34353"}, {"Şişli", "34360"},   {"Bakırköy", "34142"}, {"Fatih", "34080"},
    {"Beyoğlu", "34430"},  {"Sarıyer", "34450"}, {"Esenler", "34230"}};
constexpr District kAnkara[] = {
    {"Çankaya", "06690"}, {"Keçiören", "06280"}, {"Yenimahalle", "06170"}, {"Etimesgut", "06790"}};
constexpr District kIzmir[] = {{"Karşıyaka", "35540"},
                               {"Bornova", "35040"},
                               {"Konak", "35250"},
                               {"Buca", "35390"},
                               {"Çiğli", "35620"}};
constexpr District kBursa[] = {{"Nilüfer", "16110"}, {"Osmangazi", "16040"}, {"Yıldırım", "16200"}};
constexpr District kAntalya[] = {
    {"Muratpaşa", "07100"}, {"Konyaaltı", "07070"}, {"Kepez", "07320"}};
constexpr District kEskisehir[] = {{"Tepebaşı", "26010"}, {"Odunpazarı", "26020"}};
constexpr District kGaziantep[] = {{"Şahinbey", "27010"}, {"Şehitkamil", "27060"}};
constexpr District kKonya[] = {{"Selçuklu", "42050"}, {"Meram", "42090"}};
constexpr District kAdana[] = {{"Çukurova", "01170"}, {"Seyhan", "01010"}};
constexpr District kTrabzon[] = {{"Ortahisar", "61030"}, {"Akçaabat", "61300"}};
constexpr District kMugla[] = {{"Bodrum", "48400"}, {"Fethiye", "48300"}, {"Menteşe", "48000"}};
constexpr District kKocaeli[] = {{"İzmit", "41100"}, {"Gebze", "41400"}};
constexpr District kDiyarbakir[] = {{"Kayapınar", "21070"}, {"Bağlar", "21100"}};

constexpr City kTrCities[] = {
    {"İstanbul", "Marmara", "216", 7, "2345678", kIstanbulAnadolu},
    {"İstanbul", "Marmara", "212", 7, "2345678", kIstanbulAvrupa},
    {"Ankara", "İç Anadolu", "312", 7, "2345678", kAnkara},
    {"İzmir", "Ege", "232", 7, "2345678", kIzmir},
    {"Bursa", "Marmara", "224", 7, "2345678", kBursa},
    {"Antalya", "Akdeniz", "242", 7, "2345678", kAntalya},
    {"Eskişehir", "İç Anadolu", "222", 7, "2345678", kEskisehir},
    {"Gaziantep", "Güneydoğu Anadolu", "342", 7, "2345678", kGaziantep},
    {"Konya", "İç Anadolu", "332", 7, "2345678", kKonya},
    {"Adana", "Akdeniz", "322", 7, "2345678", kAdana},
    {"Trabzon", "Karadeniz", "462", 7, "2345678", kTrabzon},
    {"Muğla", "Ege", "252", 7, "2345678", kMugla},
    {"Kocaeli", "Marmara", "262", 7, "2345678", kKocaeli},
    {"Diyarbakır", "Güneydoğu Anadolu", "412", 7, "2345678", kDiyarbakir},
};

constexpr sv kEnFemale[] = {
    "Olivia",   "Amelia",    "Isla",      "Ava",      "Emily",     "Sophie",    "Grace",
    "Lily",     "Jessica",   "Charlotte", "Ella",     "Mia",       "Poppy",     "Ruby",
    "Chloe",    "Sophia",    "Evie",      "Freya",    "Emma",      "Hannah",    "Lucy",
    "Sarah",    "Laura",     "Rebecca",   "Rachel",   "Katherine", "Elizabeth", "Victoria",
    "Helen",    "Margaret",  "Susan",     "Patricia", "Jennifer",  "Claire",    "Joanne",
    "Nicola",   "Karen",     "Alice",     "Eleanor",  "Harriet",   "Imogen",    "Megan",
    "Abigail",  "Zoe",       "Natalie",   "Julia",    "Anne",      "Mary",      "Caroline",
    "Fiona",    "Bethany",   "Siobhan",   "Niamh",    "Gemma",     "Louise",    "Hayley",
    "Amber",    "Amy",       "Beatrice",  "Bella",    "Caitlin",   "Catherine", "Clara",
    "Daisy",    "Deborah",   "Diana",     "Eloise",   "Erin",      "Esme",      "Evelyn",
    "Florence", "Frances",   "Georgia",   "Gillian",  "Heather",   "Holly",     "Ivy",
    "Jade",     "Jane",      "Jasmine",   "Jodie",    "Kate",      "Kirsty",    "Leah",
    "Lisa",     "Lydia",     "Maisie",    "Matilda",  "Maya",      "Millie",    "Molly",
    "Naomi",    "Olive",     "Paige",     "Phoebe",   "Rosie",     "Samantha",  "Scarlett",
    "Sienna",   "Stephanie", "Tara",      "Tracey",   "Willow",    "Yasmin",    "Rhian"};
constexpr sv kEnMale[] = {
    "Oliver",      "George",   "Harry",     "Jack",      "Jacob",   "Noah",      "Charlie",
    "Thomas",      "Oscar",    "William",   "James",     "Henry",   "Leo",       "Alfie",
    "Joshua",      "Freddie",  "Archie",    "Ethan",     "Isaac",   "Alexander", "Daniel",
    "Samuel",      "Joseph",   "Benjamin",  "Edward",    "Matthew", "David",     "Michael",
    "Richard",     "Robert",   "John",      "Paul",      "Mark",    "Andrew",    "Peter",
    "Christopher", "Stephen",  "Simon",     "Ian",       "Gary",    "Neil",      "Jonathan",
    "Lewis",       "Ryan",     "Adam",      "Luke",      "Callum",  "Liam",      "Nathan",
    "Owen",        "Gareth",   "Rhys",      "Connor",    "Declan",  "Stuart",    "Graham",
    "Aaron",       "Aiden",    "Albert",    "Arthur",    "Ben",     "Bradley",   "Brian",
    "Carl",        "Colin",    "Craig",     "Dean",      "Dominic", "Dylan",     "Elliot",
    "Finley",      "Frankie",  "Frederick", "Harvey",    "Hugo",    "Jake",      "Jamie",
    "Jordan",      "Kevin",    "Kieran",    "Lee",       "Louis",   "Marcus",    "Martin",
    "Max",         "Mohammed", "Nicholas",  "Patrick",   "Philip",  "Reece",     "Reuben",
    "Rory",        "Sam",      "Scott",     "Sebastian", "Shaun",   "Theo",      "Toby",
    "Tom",         "Tyler",    "Wayne",     "Zachary",   "Ewan",    "Hamish",    "Iwan"};
constexpr sv kEnFamily[] = {
    "Smith",     "Jones",        "Williams",  "Taylor",     "Brown",     "Davies",     "Evans",
    "Wilson",    "Thomas",       "Johnson",   "Roberts",    "Robinson",  "Thompson",   "Wright",
    "Walker",    "White",        "Edwards",   "Hughes",     "Green",     "Hall",       "Lewis",
    "Harris",    "Clarke",       "Patel",     "Jackson",    "Wood",      "Turner",     "Martin",
    "Cooper",    "Hill",         "Ward",      "Morris",     "Moore",     "Clark",      "Lee",
    "King",      "Baker",        "Harrison",  "Morgan",     "Allen",     "James",      "Scott",
    "Phillips",  "Watson",       "Davis",     "Parker",     "Price",     "Bennett",    "Young",
    "Griffiths", "Mitchell",     "Kelly",     "Cook",       "Carter",    "Richardson", "Bailey",
    "Collins",   "Bell",         "Shaw",      "Murphy",     "Miller",    "Cox",        "Richards",
    "Khan",      "Marshall",     "Anderson",  "Simpson",    "Ellis",     "Adams",      "Singh",
    "Begum",     "Wilkinson",    "Foster",    "Chapman",    "Powell",    "Webb",       "Rogers",
    "Gray",      "Mason",        "Ali",       "Hunt",       "Hussain",   "Campbell",   "Matthews",
    "Owen",      "Palmer",       "Holmes",    "Mills",      "Barnes",    "Knight",     "Lloyd",
    "Butler",    "Russell",      "Barker",    "Fisher",     "Stevens",   "Jenkins",    "Murray",
    "Dixon",     "Harvey",       "O'Brien",   "McDonald",   "O'Connor",  "Fletcher",   "Atkinson",
    "Austin",    "Ball",         "Bates",     "Berry",      "Bird",      "Booth",      "Bradley",
    "Brooks",    "Burton",       "Chambers",  "Chandler",   "Cole",      "Cunningham", "Dawson",
    "Day",       "Dean",         "Doyle",     "Duncan",     "Farmer",    "Field",      "Ford",
    "Fox",       "Francis",      "Gardner",   "Gibson",     "Gill",      "Gordon",     "Graham",
    "Grant",     "Hamilton",     "Hardy",     "Hart",       "Hayes",     "Henderson",  "Hopkins",
    "Howard",    "Hudson",       "Hunter",    "Jordan",     "Kaur",      "Kennedy",    "Lane",
    "Lawrence",  "Lawson",       "Marsh",     "Newman",     "Nicholson", "Norman",     "O'Neill",
    "Page",      "Payne",        "Pearce",    "Pearson",    "Perry",     "Porter",     "Reid",
    "Reynolds",  "Riley",        "Robertson", "Rose",       "Ryan",      "Saunders",   "Sharp",
    "Sheppard",  "Slater",       "Spencer",   "Stewart",    "Stone",     "Sutton",     "Thomson",
    "Tucker",    "Wade",         "Walsh",     "Warren",     "Watts",     "Webster",    "Wells",
    "West",      "Wheeler",      "Whitehead", "Williamson", "Willis",    "Woods",      "Yates",
    "Akhtar",    "Ahmed",        "Rahman",    "Iqbal",      "Nowak",     "Kowalski",   "Okafor",
    "Mensah",    "Costa",        "Silva",     "Pereira",    "Rossi",     "Sullivan",   "Gallagher",
    "Quinn",     "Doherty",      "Brennan",   "Lynch",      "Morrison",  "Fraser",     "Macleod",
    "Paterson",  "Hughes-Jones", "Vaughan",   "Pritchard",  "Llewellyn", "Bowen",      "Jenkinson"};
constexpr sv kEnStreets[] = {
    "High",      "Station",        "Church",    "Park",     "Victoria", "Green",  "Manor",
    "Kings",     "Queens",         "Mill",      "Windsor",  "Albert",   "York",   "Springfield",
    "Grange",    "Chestnut",       "Oak",       "Elm",      "Cedar",    "Willow", "Meadow",
    "Highfield", "Richmond",       "Stanley",   "Beech",    "Orchard",  "North",  "South",
    "Alexandra", "Mount Pleasant", "St John's", "Clarence", "Hawthorn"};
constexpr sv kEnStreetTypes[] = {"Road", "Street", "Lane", "Avenue", "Close", "Drive", "Gardens"};
constexpr sv kEnEmailDomains[] = {"gmail.com",     "yahoo.co.uk", "outlook.com", "btinternet.com",
                                  "hotmail.co.uk", "icloud.com",  "sky.com",     "gmail.com",
                                  "hotmail.com",   "gmail.com"};
// Mobile ranges libphonenumber accepts as GB mobiles (national, without trunk 0).
constexpr sv kEnMobile[] = {"7702", "7701", "7711", "7712", "7723", "7734", "7745", "7756",
                            "7767", "7802", "7811", "7824", "7846", "7851", "7866", "7877",
                            "7888", "7899", "7904", "7912", "7920", "7947", "7956", "7968",
                            "7971", "7984", "7501", "7512", "7534", "7545", "7557", "7568"};

constexpr District kLondon[] = {{"Islington", "N1"},   {"Camden", "NW1"},    {"Hackney", "E8"},
                                {"Lambeth", "SE11"},   {"Brixton", "SW2"},   {"Ealing", "W5"},
                                {"Greenwich", "SE10"}, {"Wimbledon", "SW19"}};
constexpr District kManchester[] = {{"Didsbury", "M20"}, {"Chorlton", "M21"}, {"Salford", "M6"}};
constexpr District kBirmingham[] = {{"Edgbaston", "B15"}, {"Moseley", "B13"}, {"Erdington", "B23"}};
constexpr District kLeeds[] = {{"Headingley", "LS6"}, {"Roundhay", "LS8"}};
constexpr District kLiverpool[] = {{"Allerton", "L18"}, {"Anfield", "L4"}};
constexpr District kBristol[] = {{"Clifton", "BS8"}, {"Bedminster", "BS3"}};
constexpr District kSheffield[] = {{"Ecclesall", "S11"}, {"Hillsborough", "S6"}};
constexpr District kEdinburgh[] = {{"Leith", "EH6"}, {"Morningside", "EH10"}};
constexpr District kGlasgow[] = {{"Partick", "G11"}, {"Shawlands", "G41"}};
constexpr District kCardiff[] = {{"Canton", "CF5"}, {"Roath", "CF24"}};
constexpr District kNottingham[] = {{"Beeston", "NG9"}, {"Sherwood", "NG5"}};
constexpr District kBrighton[] = {{"Hove", "BN3"}, {"Kemptown", "BN2"}};

constexpr City kEnCities[] = {
    {"London", "Greater London", "20", 8, "3478", kLondon},
    {"Manchester", "Greater Manchester", "161", 7, "23456789", kManchester},
    {"Birmingham", "West Midlands", "121", 7, "234567", kBirmingham},
    {"Leeds", "West Yorkshire", "113", 7, "23458", kLeeds},
    {"Liverpool", "Merseyside", "151", 7, "23456789", kLiverpool},
    {"Bristol", "South West", "117", 7, "2349", kBristol},
    {"Sheffield", "South Yorkshire", "114", 7, "2345", kSheffield},
    {"Edinburgh", "Scotland", "131", 7, "2345678", kEdinburgh},
    {"Glasgow", "Scotland", "141", 7, "23456789", kGlasgow},
    {"Cardiff", "Wales", "29", 8, "2", kCardiff},
    {"Nottingham", "East Midlands", "115", 7, "26789", kNottingham},
    {"Brighton", "East Sussex", "1273", 6, "23456789", kBrighton},
};

const LocalePools kTurkishPools = {
    Locale::kTurkish, "Türkiye", "TR",       "90",           kTrFemale,
    kTrMale,          kTrFamily, kTrStreets, kTrStreetTypes, kTrNeighbourhoods,
    kTrEmailDomains,  kTrMobile, kTrCities};
const LocalePools kEnglishPools = {
    Locale::kEnglish, "United Kingdom", "GB",       "44",           kEnFemale,
    kEnMale,          kEnFamily,        kEnStreets, kEnStreetTypes, {},
    kEnEmailDomains,  kEnMobile,        kEnCities};

}  // namespace

const LocalePools& PoolsFor(Locale locale) {
  return locale == Locale::kTurkish ? kTurkishPools : kEnglishPools;
}

}  // namespace clientele::identity::scenario
