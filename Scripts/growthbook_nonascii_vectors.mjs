// Non-ASCII GrowthBook hash vectors from an independent JavaScript copy of the SDK's hash
// (packages/sdk-js/src/util.ts: fnv32a over charCodeAt, i.e. UTF-16 code units; MIT).
// Run: node Scripts/growthbook_nonascii_vectors.mjs > Tests/TouchstoneExperimentTests/Fixtures/growthbook_nonascii_vectors.json
function hashFnv32a(str) {
  let hval = 0x811c9dc5;
  const l = str.length;
  for (let i = 0; i < l; i++) {
    hval ^= str.charCodeAt(i);
    hval += (hval << 1) + (hval << 4) + (hval << 7) + (hval << 8) + (hval << 24);
  }
  return hval >>> 0;
}
function hash(seed, value, version) {
  if (version === 2) return (hashFnv32a(hashFnv32a(seed + value) + "") % 10000) / 10000;
  if (version === 1) return (hashFnv32a(value + seed) % 1000) / 1000;
  return null;
}
const pairs = [["", "José"], ["exp", "用户123"], ["sëed", "naïve"], ["exp", "🙂👍"], ["🧪", "ünït-ïd"],
  ["checkout", "Ωmega"], ["", "\u00e9"], ["", "e\u0301"], ["ключ", "пользователь-7"], ["exp", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢"]];
const cases = [];
for (const [s, v] of pairs) for (const version of [1, 2]) cases.push([s, v, version, hash(s, v, version)]);
console.log(JSON.stringify({ source: "Scripts/growthbook_nonascii_vectors.mjs (node " + process.version + ")", format: "[seed, value, hashVersion, expected] as in growthbook_hash_cases.json", hash: cases }, null, 1));
