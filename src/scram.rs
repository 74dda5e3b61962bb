//! SCRAM-SHA-256 (RFC 5802, RFC 7677), client side, as an MQTT 5 enhanced authentication
//! method. The server's signature is verified, so a server that does not know the password
//! cannot pass itself off as the real one.
//!
//! Limits: no channel binding (`n,,`); the password is used as given, without SASLprep
//! normalisation, which is exact for ASCII passwords.

use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};

use crate::session::{AuthError, Authenticator};

type HmacSha256 = Hmac<Sha256>;

/// The method name carried in CONNECT and AUTH.
pub const SCRAM_SHA_256: &str = "SCRAM-SHA-256";

/// Iteration counts below this are refused: a server asking for fewer weakens the password.
const MIN_ITERATIONS: u32 = 4096;
/// Iteration counts above this are refused, so a server cannot make the client spin.
const MAX_ITERATIONS: u32 = 1_000_000;

#[derive(Debug, Clone)]
enum Step {
    Initial,
    SentClientFirst { client_first_bare: String },
    SentClientFinal { server_signature: [u8; 32] },
    Done,
}

/// A SCRAM-SHA-256 client for one user.
pub struct ScramSha256 {
    username: String,
    password: String,
    /// Secret random bytes; each exchange's nonce is derived from them and a counter.
    seed: Vec<u8>,
    exchanges: u64,
    nonce: String,
    step: Step,
}

impl std::fmt::Debug for ScramSha256 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print the password.
        f.debug_struct("ScramSha256").field("username", &self.username).finish_non_exhaustive()
    }
}

impl ScramSha256 {
    /// A client for `username` / `password`. `seed` must come from a cryptographic random
    /// source (the browser driver uses `crypto.getRandomValues`), 32 bytes or more: every
    /// exchange (each connect and re-authentication) takes a fresh nonce derived from it.
    pub fn new(username: &str, password: &str, seed: &[u8]) -> Self {
        Self {
            username: username.to_owned(),
            password: password.to_owned(),
            seed: seed.to_vec(),
            exchanges: 0,
            nonce: String::new(),
            step: Step::Initial,
        }
    }

    /// SHA-256(seed ‖ exchange counter), 18 bytes of it, base64: printable and comma-free.
    fn next_nonce(&mut self) -> String {
        self.exchanges += 1;
        let mut hasher = Sha256::new();
        hasher.update(&self.seed);
        hasher.update(self.exchanges.to_be_bytes());
        let digest: [u8; 32] = hasher.finalize().into();
        base64_encode(digest.get(..18).unwrap_or(&digest))
    }
}

/// `=` and `,` are escaped in SCRAM user names (RFC 5802 section 5.1).
fn sasl_name(name: &str) -> String {
    name.replace('=', "=3D").replace(',', "=2C")
}

fn hmac(key: &[u8], data: &[u8]) -> [u8; 32] {
    // HMAC takes keys of any length, so this cannot fail.
    let Ok(mut mac) = HmacSha256::new_from_slice(key) else { return [0; 32] };
    mac.update(data);
    mac.finalize().into_bytes().into()
}

/// The attribute `key=` of a SCRAM message.
fn attribute(message: &str, key: char) -> Option<&str> {
    message.split(',').find_map(|part| {
        let mut chars = part.chars();
        (chars.next() == Some(key) && chars.next() == Some('=')).then(|| part.get(2..)).flatten()
    })
}

fn utf8(data: Option<&[u8]>, what: &str) -> Result<String, AuthError> {
    let bytes = data.ok_or_else(|| AuthError(format!("the server sent no {what}")))?;
    String::from_utf8(bytes.to_vec()).map_err(|_| AuthError(format!("the {what} is not UTF-8")))
}

impl Authenticator for ScramSha256 {
    fn method(&self) -> &str {
        SCRAM_SHA_256
    }

    fn start(&mut self) -> Result<Option<Vec<u8>>, AuthError> {
        self.nonce = self.next_nonce();
        let client_first_bare = format!("n={},r={}", sasl_name(&self.username), self.nonce);
        let message = format!("n,,{client_first_bare}");
        self.step = Step::SentClientFirst { client_first_bare };
        Ok(Some(message.into_bytes()))
    }

    fn challenge(&mut self, data: Option<&[u8]>) -> Result<Option<Vec<u8>>, AuthError> {
        let Step::SentClientFirst { client_first_bare } = &self.step else {
            return Err(AuthError("unexpected SCRAM challenge".into()));
        };
        let server_first = utf8(data, "SCRAM server-first message")?;
        if let Some(e) = attribute(&server_first, 'e') {
            return Err(AuthError(format!("the server refused: {e}")));
        }
        let nonce = attribute(&server_first, 'r').unwrap_or_default();
        if !nonce.starts_with(&self.nonce) || nonce.len() <= self.nonce.len() {
            return Err(AuthError("the server's nonce does not extend ours".into()));
        }
        let salt = attribute(&server_first, 's')
            .and_then(base64_decode)
            .ok_or_else(|| AuthError("the server-first message has no valid salt".into()))?;
        let iterations: u32 = attribute(&server_first, 'i')
            .and_then(|i| i.parse().ok())
            .ok_or_else(|| AuthError("the server-first message has no iteration count".into()))?;
        if !(MIN_ITERATIONS..=MAX_ITERATIONS).contains(&iterations) {
            return Err(AuthError(format!(
                "iteration count {iterations} is outside {MIN_ITERATIONS}..={MAX_ITERATIONS}"
            )));
        }
        let mut salted = [0u8; 32];
        pbkdf2::pbkdf2_hmac::<Sha256>(self.password.as_bytes(), &salt, iterations, &mut salted);
        let client_key = hmac(&salted, b"Client Key");
        let stored_key: [u8; 32] = Sha256::digest(client_key).into();
        let without_proof = format!("c=biws,r={nonce}");
        let auth_message = format!("{client_first_bare},{server_first},{without_proof}");
        let client_signature = hmac(&stored_key, auth_message.as_bytes());
        let proof: Vec<u8> = client_key.iter().zip(client_signature).map(|(k, s)| k ^ s).collect();
        let server_key = hmac(&salted, b"Server Key");
        let server_signature = hmac(&server_key, auth_message.as_bytes());
        self.step = Step::SentClientFinal { server_signature };
        Ok(Some(format!("{without_proof},p={}", base64_encode(&proof)).into_bytes()))
    }

    fn finish(&mut self, data: Option<&[u8]>) -> Result<(), AuthError> {
        let Step::SentClientFinal { server_signature } = self.step else {
            return Err(AuthError("the server ended the SCRAM exchange early".into()));
        };
        let server_final = utf8(data, "SCRAM server-final message")?;
        if let Some(e) = attribute(&server_final, 'e') {
            return Err(AuthError(format!("the server refused: {e}")));
        }
        let verifier = attribute(&server_final, 'v').and_then(base64_decode);
        if verifier.as_deref() != Some(&server_signature[..]) {
            return Err(AuthError(
                "the server's signature is wrong: it does not know the password".into(),
            ));
        }
        self.step = Step::Done;
        Ok(())
    }
}

const BASE64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Standard base64 with padding.
pub(crate) fn base64_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk.first().copied().unwrap_or(0),
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                let index = (n >> (18 - 6 * i)) & 63;
                out.push(char::from(BASE64.get(index as usize).copied().unwrap_or(b'A')));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Standard base64 with padding; `None` if malformed.
pub(crate) fn base64_decode(text: &str) -> Option<Vec<u8>> {
    let bytes = text.as_bytes();
    if !bytes.len().is_multiple_of(4) {
        return None;
    }
    let mut out = Vec::with_capacity(bytes.len() / 4 * 3);
    let chunks = bytes.len() / 4;
    for (index, chunk) in bytes.chunks(4).enumerate() {
        let last = index + 1 == chunks;
        let mut n = 0u32;
        let mut pad = 0;
        for (i, &c) in chunk.iter().enumerate() {
            let v = match c {
                b'=' if i >= 2 && last => {
                    pad += 1;
                    0
                }
                _ if pad > 0 => return None,
                _ => BASE64.iter().position(|&b| b == c)? as u32,
            };
            n = n << 6 | v;
        }
        let decoded = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        out.extend_from_slice(decoded.get(..3 - pad)?);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const RFC_NONCE: &str = "rOprNGfwEbeRWgbNEkqO";
    const RFC_SERVER_FIRST: &[u8] =
        b"r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";

    /// The RFC 7677 client (user "user", password "pencil") after its client-first message,
    /// with the RFC's nonce in place of a derived one.
    fn rfc_started() -> ScramSha256 {
        let mut scram = ScramSha256::new("user", "pencil", b"seed");
        scram.start().unwrap();
        scram.nonce = RFC_NONCE.into();
        scram.step = Step::SentClientFirst { client_first_bare: format!("n=user,r={RFC_NONCE}") };
        scram
    }

    #[test]
    fn rfc_7677_example_exchange() {
        // RFC 7677 section 3.
        let mut scram = rfc_started();
        let last = scram.challenge(Some(RFC_SERVER_FIRST)).unwrap().unwrap();
        assert_eq!(
            String::from_utf8(last).unwrap(),
            "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ="
        );
        scram.finish(Some(b"v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=")).unwrap();
    }

    #[test]
    fn a_wrong_server_signature_is_refused() {
        let mut scram = rfc_started();
        scram.challenge(Some(RFC_SERVER_FIRST)).unwrap();
        let err =
            scram.finish(Some(b"v=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")).unwrap_err();
        assert!(err.0.contains("signature"), "{err}");
    }

    #[test]
    fn bad_challenges_are_refused_not_panicked_on() {
        let bad: [&[u8]; 5] = [
            b"r=other,s=AAAA,i=4096",
            b"r=rOprNGfwEbeRWgbNEkqOx,s=!!,i=4096",
            b"r=rOprNGfwEbeRWgbNEkqOx,s=AAAA,i=1",
            b"e=other-error",
            b"\xff",
        ];
        for challenge in bad {
            assert!(rfc_started().challenge(Some(challenge)).is_err(), "{challenge:?}");
        }
        let mut scram = ScramSha256::new("u", "p", b"seed");
        assert!(scram.finish(Some(b"v=")).is_err(), "finish before the exchange");
        assert!(scram.challenge(None).is_err(), "challenge before start");
    }

    #[test]
    fn every_exchange_takes_a_fresh_nonce_and_user_names_are_escaped() {
        let mut scram = ScramSha256::new("a=b,c", "p", b"0123456789abcdef0123456789abcdef");
        let first = String::from_utf8(scram.start().unwrap().unwrap()).unwrap();
        let second = String::from_utf8(scram.start().unwrap().unwrap()).unwrap();
        assert!(first.starts_with("n,,n=a=3Db=2Cc,r="), "{first}");
        assert_ne!(first, second, "re-authentication does not reuse a nonce");
        assert_eq!(first.len(), "n,,n=a=3Db=2Cc,r=".len() + 24);
    }

    #[test]
    fn base64_round_trips_and_rejects_garbage() {
        for bytes in [&b""[..], b"f", b"fo", b"foo", b"foob", b"fooba", b"foobar"] {
            assert_eq!(base64_decode(&base64_encode(bytes)).as_deref(), Some(bytes));
        }
        assert_eq!(base64_encode(b"foobar"), "Zm9vYmFy");
        assert_eq!(base64_decode("Zm9=YmFy"), None);
        assert_eq!(base64_decode("abc"), None);
    }
}
