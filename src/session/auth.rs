//! Enhanced authentication (MQTT 5.0 section 4.12): the pluggable authenticator the session
//! drives through CONNECT / AUTH / CONNACK, at connect time and for re-authentication.

use std::fmt;

use thiserror::Error;

use crate::codec::{Auth, AuthProperties, BinaryData, MqttString, Packet, Quoted, ReasonCode};

use super::error::{CloseReason, UsageError};
use super::event::Event;
use super::time::Instant;
use super::{Session, State};

/// Why the client side of an authentication exchange failed.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{0}")]
pub struct AuthError(pub String);

/// One authentication method, client side. The session calls [`Authenticator::start`] for
/// CONNECT (and for each re-authentication), [`Authenticator::challenge`] for every AUTH with
/// reason Continue authentication, and [`Authenticator::finish`] with the data of the CONNACK
/// or AUTH that ends the exchange successfully, which the method may verify (SCRAM checks the
/// server's signature there).
pub trait Authenticator {
    /// The Authentication Method, e.g. `SCRAM-SHA-256`.
    fn method(&self) -> &str;
    /// Starts an exchange: the Authentication Data for CONNECT or the re-authentication AUTH.
    fn start(&mut self) -> Result<Option<Vec<u8>>, AuthError>;
    /// Answers the server's challenge.
    fn challenge(&mut self, data: Option<&[u8]>) -> Result<Option<Vec<u8>>, AuthError>;
    /// Checks the server's final data.
    fn finish(&mut self, data: Option<&[u8]>) -> Result<(), AuthError>;
}

/// Shown by its method only. `Debug` is not a supertrait: it would put every method's `Debug`
/// in the trait object's vtable, and so in the wasm, used or not.
impl fmt::Debug for dyn Authenticator + '_ {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Authenticator").field("method", &self.method()).finish_non_exhaustive()
    }
}

/// Starts an exchange: the method and data for CONNECT or a re-authentication AUTH.
pub(crate) fn start_properties(
    authenticator: &mut dyn Authenticator,
) -> Result<(MqttString, Option<BinaryData>), AuthError> {
    let method = MqttString::new(authenticator.method())
        .map_err(|e| AuthError(format!("authentication method: {e}")))?;
    let data = authenticator
        .start()?
        .map(BinaryData::new)
        .transpose()
        .map_err(|e| AuthError(e.to_string()))?;
    Ok((method, data))
}

fn auth_packet(
    reason: ReasonCode,
    method: MqttString,
    data: Option<Vec<u8>>,
) -> Result<Packet, AuthError> {
    let data = data.map(BinaryData::new).transpose().map_err(|e| AuthError(e.to_string()))?;
    let properties = AuthProperties {
        authentication_method: Some(method),
        authentication_data: data,
        ..Default::default()
    };
    Ok(Packet::Auth(Auth { reason_code: reason, properties }))
}

impl Session {
    /// Starts a re-authentication on the live connection (MQTT 5.0 section 4.12.1). Completes
    /// with [`Event::Reauthenticated`]; a server that refuses closes the connection.
    pub fn reauthenticate(&mut self, now: Instant) -> Result<(), UsageError> {
        if self.state != State::Connected {
            return Err(UsageError::NotConnected);
        }
        let Some(authenticator) = self.authenticator.as_mut() else {
            return Err(UsageError::NoAuthenticationMethod);
        };
        if self.conn.as_ref().is_some_and(|c| c.reauthenticating) {
            return Ok(());
        }
        let packet = start_properties(authenticator.as_mut()).and_then(|(method, data)| {
            auth_packet(ReasonCode::ReAuthenticate, method, data.map(BinaryData::into_vec))
        });
        match packet {
            Ok(packet) => {
                self.send(now, &packet)?;
                if let Some(conn) = &mut self.conn {
                    conn.reauthenticating = true;
                }
            }
            Err(e) => self.close_with_disconnect(
                now,
                ReasonCode::NotAuthorized,
                CloseReason::AuthenticationFailed(e.0),
            ),
        }
        Ok(())
    }

    /// Whether an AUTH may arrive now: we have a method, an exchange is in progress, and the
    /// method is ours [MQTT-4.12.0-5].
    fn check_auth_packet(&self, auth: &Auth, reauthenticating: bool) -> Result<(), String> {
        let Some(authenticator) = self.authenticator.as_ref() else {
            return Err("AUTH without an authentication method in CONNECT".into());
        };
        if !matches!(self.state, State::Handshake { .. }) && !reauthenticating {
            return Err("AUTH outside an authentication exchange".into());
        }
        let method = authenticator.method();
        if auth.properties.authentication_method.as_deref() != Some(method) {
            let named = auth.properties.authentication_method.as_deref().map(Quoted);
            return Err(match named {
                Some(named) => format!("AUTH names method {named}, not {}", Quoted(method)),
                None => format!("AUTH names no method, not {}", Quoted(method)),
            });
        }
        Ok(())
    }

    /// AUTH from the server: a challenge during connect or re-authentication, or the end of
    /// a re-authentication. Anything else is a protocol error [MQTT-4.12.0-1].
    pub(crate) fn handle_auth(&mut self, now: Instant, auth: Auth) {
        let reauthenticating = self.conn.as_ref().is_some_and(|c| c.reauthenticating);
        if let Err(detail) = self.check_auth_packet(&auth, reauthenticating) {
            return self.protocol_violation(now, ReasonCode::ProtocolError, detail);
        }
        let Some(authenticator) = self.authenticator.as_mut() else { return };
        let method = authenticator.method().to_owned();
        let data = auth.properties.authentication_data.as_deref();
        let outcome = match auth.reason_code {
            ReasonCode::ContinueAuthentication => authenticator
                .challenge(data)
                .and_then(|answer| {
                    auth_packet(
                        ReasonCode::ContinueAuthentication,
                        MqttString::new(method.clone()).unwrap_or_default(),
                        answer,
                    )
                })
                .map(Some),
            ReasonCode::Success if reauthenticating => authenticator.finish(data).map(|()| None),
            other => {
                return self.protocol_violation(
                    now,
                    ReasonCode::ProtocolError,
                    format!("unexpected AUTH {other}"),
                );
            }
        };
        match outcome {
            Ok(Some(answer)) => {
                let _ = self.send(now, &answer);
            }
            Ok(None) => {
                if let Some(conn) = &mut self.conn {
                    conn.reauthenticating = false;
                }
                self.events.push_back(Event::Reauthenticated);
            }
            Err(e) => self.close_with_disconnect(
                now,
                ReasonCode::NotAuthorized,
                CloseReason::AuthenticationFailed(e.0),
            ),
        }
    }
}
