/**
 * The worldwide demo's captions: alt-text-like captions for Fashion-MNIST images in English, German,
 * Spanish, Chinese, Japanese, Thai and Arabic (class names and templates written for the demo; Arabic is
 * written right to left), each language
 * with its own share of the pool, and each language's metadata list (MetaCLIP 2's layout). Chinese,
 * Japanese and Thai captions are written without spaces, as the web writes them, so their entries
 * match as substrings (MetaCLIP 2's padding rule) and a Latin-script list would miss them.
 */
import { makeCaption, SURFACE_FORMS, type Rng } from "./captions";

export const DEMO_LANGUAGES = ["en", "de", "es", "zh", "ja", "th", "ar"] as const;
export type DemoLanguage = (typeof DEMO_LANGUAGES)[number];

/** Each language's share of the demo pool: English the largest, as on the web, then a long tail of languages. */
export const LANGUAGE_SHARES: Record<DemoLanguage, number> = { en: 0.38, de: 0.14, es: 0.14, zh: 0.12, ja: 0.1, th: 0.07, ar: 0.05 };

/** Five surface forms per class (Fashion-MNIST's order), the first the class's name in prompts. */
export const FORMS: Record<Exclude<DemoLanguage, "en">, string[][]> = {
  de: [
    ["T-Shirt", "Shirt", "Tanktop", "Croptop", "Print-Shirt"], ["Hose", "Jeans", "Chino", "Stoffhose", "Jogginghose"],
    ["Pullover", "Sweatshirt", "Strickpullover", "Hoodie", "Strickjacke"], ["Kleid", "Sommerkleid", "Abendkleid", "Maxikleid", "Etuikleid"],
    ["Mantel", "Jacke", "Parka", "Wintermantel", "Blazer"], ["Sandale", "Sandalen", "Flip-Flops", "Pantoletten", "Espadrilles"],
    ["Hemd", "Bluse", "Flanellhemd", "Oxfordhemd", "Businesshemd"], ["Sneaker", "Turnschuhe", "Laufschuhe", "Sportschuhe", "Freizeitschuhe"],
    ["Tasche", "Handtasche", "Rucksack", "Shopper", "Umhängetasche"], ["Stiefelette", "Stiefel", "Chelsea-Boots", "Boots", "Schnürstiefel"],
  ],
  es: [
    ["camiseta", "playera", "camiseta de tirantes", "top corto", "camiseta estampada"], ["pantalón", "pantalones", "vaqueros", "chinos", "joggers"],
    ["jersey", "suéter", "sudadera", "chaqueta de punto", "jersey de lana"], ["vestido", "vestido de verano", "vestido largo", "vestido de noche", "vestido corto"],
    ["abrigo", "chaqueta", "parka", "gabardina", "americana"], ["sandalia", "sandalias", "chanclas", "alpargatas", "sandalias planas"],
    ["camisa", "blusa", "camisa de franela", "camisa oxford", "camisa de vestir"], ["zapatilla", "zapatillas", "deportivas", "tenis", "zapatillas de correr"],
    ["bolso", "bolsa", "mochila", "bolso de mano", "bandolera"], ["botín", "botas", "botines", "botas chelsea", "botas militares"],
  ],
  zh: [
    ["T恤", "短袖", "背心", "短上衣", "印花T恤"], ["裤子", "长裤", "牛仔裤", "休闲裤", "运动裤"],
    ["套头衫", "毛衣", "卫衣", "针织衫", "开衫"], ["连衣裙", "长裙", "裙子", "吊带裙", "礼服"],
    ["外套", "夹克", "大衣", "风衣", "羽绒服"], ["凉鞋", "拖鞋", "人字拖", "沙滩鞋", "凉拖"],
    ["衬衫", "衬衣", "女衬衫", "格子衬衫", "白衬衫"], ["运动鞋", "跑鞋", "板鞋", "球鞋", "休闲鞋"],
    ["包", "手提包", "背包", "双肩包", "钱包"], ["短靴", "靴子", "马丁靴", "切尔西靴", "雪地靴"],
  ],
  ja: [
    ["Tシャツ", "半袖", "タンクトップ", "カットソー", "プリントT"], ["ズボン", "パンツ", "ジーンズ", "チノパン", "スラックス"],
    ["セーター", "ニット", "トレーナー", "パーカー", "カーディガン"], ["ワンピース", "ドレス", "マキシ丈", "サマードレス", "ミニワンピ"],
    ["コート", "ジャケット", "ダウン", "ブルゾン", "トレンチ"], ["サンダル", "ビーサン", "ミュール", "スリッパ", "草履"],
    ["シャツ", "ブラウス", "ネルシャツ", "白シャツ", "ワイシャツ"], ["スニーカー", "運動靴", "ランニングシューズ", "靴", "シューズ"],
    ["バッグ", "鞄", "リュック", "トート", "ハンドバッグ"], ["ブーツ", "ショートブーツ", "長靴", "チェルシーブーツ", "ブーティ"],
  ],
  th: [
    ["เสื้อยืด", "เสื้อกล้าม", "เสื้อครอป", "เสื้อแขนสั้น", "เสื้อยืดลาย"], ["กางเกง", "กางเกงยีนส์", "กางเกงขายาว", "กางเกงชิโน่", "กางเกงวอร์ม"],
    ["เสื้อสเวตเตอร์", "เสื้อไหมพรม", "เสื้อฮู้ด", "เสื้อกันหนาว", "คาร์ดิแกน"], ["ชุดเดรส", "เดรส", "ชุดกระโปรง", "เดรสยาว", "ชุดราตรี"],
    ["เสื้อโค้ท", "แจ็คเก็ต", "เสื้อคลุม", "เสื้อแจ็คเก็ต", "เบลเซอร์"], ["รองเท้าแตะ", "รองเท้ารัดส้น", "แตะ", "รองเท้าหูหนีบ", "สลิปเปอร์"],
    ["เสื้อเชิ้ต", "เสื้อเบลาส์", "เชิ้ตลายสก๊อต", "เชิ้ตขาว", "เสื้อทำงาน"], ["รองเท้าผ้าใบ", "รองเท้าวิ่ง", "รองเท้ากีฬา", "ผ้าใบ", "สนีกเกอร์"],
    ["กระเป๋า", "กระเป๋าถือ", "เป้", "กระเป๋าสะพาย", "กระเป๋าผ้า"], ["รองเท้าบูท", "บูท", "บูทสั้น", "ชูก้าบูท", "บูทหนัง"],
  ],
  ar: [
    ["تي شيرت", "تيشيرت", "قميص قطني", "بلوزة قصيرة", "قميص رياضي"], ["بنطلون", "بنطال", "جينز", "سروال", "بنطلون قماش"],
    ["بلوفر", "كنزة", "سترة صوف", "هودي", "كارديجان"], ["فستان", "فستان صيفي", "فستان سهرة", "فستان طويل", "عباءة"],
    ["معطف", "جاكيت", "سترة", "بليزر", "معطف شتوي"], ["صندل", "صنادل", "شبشب", "نعال", "صندل جلد"],
    ["قميص", "بلوزة", "قميص رسمي", "قميص كاروهات", "قميص أبيض"], ["حذاء رياضي", "سنيكرز", "حذاء جري", "كوتشي", "حذاء رياضة"],
    ["حقيبة", "حقيبة يد", "شنطة", "حقيبة ظهر", "محفظة"], ["بوت", "جزمة", "حذاء برقبة", "بوت قصير", "بوت جلد"],
  ],
};

/** Words the templates use (colours, adjectives): also in each language's list, so some entries are heads shared by every class. */
const WORDS: Record<Exclude<DemoLanguage, "en">, { adj: string[]; color: string[] }> = {
  de: { adj: ["neu", "klassisch", "bequem", "günstig", "elegant", "warm"], color: ["schwarz", "weiß", "rot", "blau", "grün", "grau"] },
  es: { adj: ["nuevo", "clásico", "cómodo", "barato", "elegante", "cálido"], color: ["negro", "blanco", "rojo", "azul", "verde", "gris"] },
  zh: { adj: ["新款", "经典", "舒适", "便宜", "时尚", "保暖"], color: ["黑色", "白色", "红色", "蓝色", "绿色", "灰色"] },
  ja: { adj: ["新作", "定番", "快適", "格安", "おしゃれ", "暖かい"], color: ["黒", "白", "赤", "青", "緑", "グレー"] },
  th: { adj: ["ใหม่", "คลาสสิก", "ใส่สบาย", "ราคาถูก", "แฟชั่น", "อบอุ่น"], color: ["สีดำ", "สีขาว", "สีแดง", "สีฟ้า", "สีเขียว", "สีเทา"] },
  ar: { adj: ["جديد", "كلاسيكي", "مريح", "رخيص", "أنيق", "دافئ"], color: ["أسود", "أبيض", "أحمر", "أزرق", "أخضر", "رمادي"] },
};

type Template = (x: string, adj: string, color: string, n: number) => string;
const TEMPLATES: Record<Exclude<DemoLanguage, "en">, Template[]> = {
  de: [(x) => `ein Foto von ${x}`, (x) => x, (x, a) => `${a}e ${x}`, (x, _a, c) => `${x} in ${c} im Angebot`, (x, a) => `${x} ${a} kaufen`, (x, _a, _c, n) => `${x} Größe ${36 + (n % 8)}`, (x) => `Damen ${x} versandkostenfrei`],
  es: [(x) => `una foto de ${x}`, (x) => x, (x, a) => `${x} ${a}`, (x, _a, c) => `${x} ${c} en oferta`, (x, a) => `comprar ${x} ${a} online`, (x, _a, _c, n) => `${x} talla ${36 + (n % 8)}`, (x) => `${x} para mujer envío gratis`],
  zh: [(x) => `${x}的照片`, (x) => x, (x, a) => `${a}${x}`, (x, _a, c) => `${c}${x}特价`, (x, a) => `${a}女款${x}包邮`, (x, _a, _c, n) => `${x}尺码${36 + (n % 8)}`, (x, a, c) => `【${a}】${c}${x}，正品`],
  ja: [(x) => `${x}の写真`, (x) => x, (x, a) => `${a}の${x}`, (x, _a, c) => `${c}の${x}セール`, (x, a) => `${a}${x}送料無料`, (x, _a, _c, n) => `${x}サイズ${36 + (n % 8)}`, (x, a) => `【${a}】レディース${x}`],
  th: [(x) => `รูป${x}`, (x) => x, (x, a) => `${x}${a}`, (x, _a, c) => `${x}${c}ลดราคา`, (x, a) => `${x}${a}ส่งฟรี`, (x, _a, _c, n) => `${x}ไซส์${36 + (n % 8)}`, (x, a, c) => `${x}${c}${a}`],
  ar: [(x) => `صورة ${x}`, (x) => x, (x, a) => `${x} ${a}`, (x, _a, c) => `${x} ${c} تخفيضات`, (x, a) => `اشتري ${x} ${a} اون لاين`, (x, _a, _c, n) => `${x} مقاس ${36 + (n % 8)}`, (x) => `${x} نسائي شحن مجاني`],
};

const NOISE: Record<Exclude<DemoLanguage, "en">, string[]> = {
  de: ["Neuheiten", "hier klicken", "Angebot der Woche", "ohne Titel", "Sommerkollektion", "versandkostenfrei ab 50 €"],
  es: ["novedades", "haz clic aquí", "oferta de la semana", "sin título", "colección de verano", "envío gratis"],
  zh: ["新品上市", "点击查看", "本周特惠", "无标题", "夏季新品", "全场包邮"],
  ja: ["新着アイテム", "こちらをクリック", "今週のセール", "無題", "夏のコレクション", "送料無料"],
  th: ["สินค้าใหม่", "คลิกที่นี่", "โปรโมชั่นประจำสัปดาห์", "ไม่มีชื่อ", "คอลเลกชันฤดูร้อน", "ส่งฟรีทั่วประเทศ"],
  ar: ["وصل حديثا", "اضغط هنا", "عرض الأسبوع", "بدون عنوان", "مجموعة الصيف", "شحن مجاني"],
};

const FORM_WEIGHTS = [0.3, 0.25, 0.2, 0.15, 0.1];
const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)];

function weighted(rng: Rng, weights: readonly number[]): number {
  let u = rng();
  for (let i = 0; i < weights.length; i++) { if (u < weights[i]) return i; u -= weights[i]; }
  return weights.length - 1;
}

/** A caption's language, by LANGUAGE_SHARES. */
export function pickLanguage(rng: Rng): DemoLanguage {
  return DEMO_LANGUAGES[weighted(rng, DEMO_LANGUAGES.map((l) => LANGUAGE_SHARES[l]))];
}

/** A caption of class `label` in `lang`: the English demo's for English, else this language's forms and templates. */
export function makeWorldwideCaption(lang: DemoLanguage, label: number, noiseFrac: number, rng: Rng): { text: string; noisy: boolean } {
  if (lang === "en") return makeCaption(label, noiseFrac, rng);
  if (rng() < noiseFrac) return { text: pick(rng, NOISE[lang]), noisy: true };
  const form = FORMS[lang][label][weighted(rng, FORM_WEIGHTS)];
  const w = WORDS[lang];
  return { text: pick(rng, TEMPLATES[lang])(form, pick(rng, w.adj), pick(rng, w.color), Math.floor(rng() * 1000)), noisy: false };
}

/** Each language's zero-shot prompt (the first template of its captions). */
export const PROMPTS: Record<Exclude<DemoLanguage, "en">, string> = {
  de: "ein Foto von {class}", es: "una foto de {class}", zh: "{class}的照片", ja: "{class}の写真", th: "รูป{class}", ar: "صورة {class}",
};

/** A language's class names for zero-shot prompts. */
export function classNames(lang: DemoLanguage): string[] {
  return lang === "en" ? SURFACE_FORMS.map((f) => f[0]) : FORMS[lang].map((f) => f[0]);
}

/** A language's metadata list beyond English's: its surface forms, then its template words, without duplicates. */
export function languageList(lang: Exclude<DemoLanguage, "en">): string[] {
  return [...new Set([...FORMS[lang].flat(), ...WORDS[lang].adj, ...WORDS[lang].color])];
}
