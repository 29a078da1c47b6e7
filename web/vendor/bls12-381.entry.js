// What web/js/verify.js takes from @noble/curves: BLS12-381 (short signatures on G1, keys on G2, RFC 9380
// hash-to-curve). Bundled by build.sh into noble-bls12-381.js, one ESM file with @noble/hashes inside.
export { bls12_381 } from "@noble/curves/bls12-381.js";
