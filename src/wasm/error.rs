//! Errors as JS sees them: `Error` objects with a stable `name`, the MQTT reason `code` where
//! one applies, its `reasonName`, and a message that names the bad value. `client.js` makes
//! them; the kinds below are its table's.

use wasm_bindgen::JsValue;

use super::js::mqtt_error;
use crate::codec::ReasonCode;
use crate::session::{CloseReason, PublishError, UsageError};

const USAGE: u8 = 0;
const CONNECTION: u8 = 1;
const PUBLISH: u8 = 2;
const SUBSCRIPTION: u8 = 3;

fn make(kind: u8, message: &str, code: Option<ReasonCode>) -> JsValue {
    match code {
        Some(code) => mqtt_error(kind, i32::from(code as u8), code.name(), message),
        None => mqtt_error(kind, -1, "", message),
    }
}

/// Bad input from JS: the caller's fault.
pub(crate) fn usage(message: &str) -> JsValue {
    make(USAGE, message, None)
}

/// A refused command.
pub(crate) fn from_usage(e: &UsageError) -> JsValue {
    let code = match e {
        UsageError::PacketTooLarge { .. } => Some(ReasonCode::PacketTooLarge),
        UsageError::QoSNotSupported { .. } => Some(ReasonCode::QoSNotSupported),
        UsageError::RetainNotSupported => Some(ReasonCode::RetainNotSupported),
        UsageError::SharedSubscriptionsNotSupported { .. } => {
            Some(ReasonCode::SharedSubscriptionsNotSupported)
        }
        UsageError::WildcardSubscriptionsNotSupported { .. } => {
            Some(ReasonCode::WildcardSubscriptionsNotSupported)
        }
        UsageError::SubscriptionIdentifiersNotSupported => {
            Some(ReasonCode::SubscriptionIdentifiersNotSupported)
        }
        _ => None,
    };
    make(USAGE, &e.to_string(), code)
}

/// Why a connection ended, as an error.
pub(crate) fn from_close(reason: &CloseReason) -> JsValue {
    let code = match reason {
        CloseReason::Refused { reason, .. }
        | CloseReason::ServerDisconnected { reason, .. }
        | CloseReason::ProtocolViolation { reason, .. } => Some(*reason),
        CloseReason::Decode(e) => Some(e.reason_code()),
        CloseReason::KeepAliveTimeout(_) => Some(ReasonCode::KeepAliveTimeout),
        _ => None,
    };
    make(CONNECTION, &reason.to_string(), code)
}

/// A failed publish.
pub(crate) fn from_publish(e: &PublishError) -> JsValue {
    let code = match e {
        PublishError::Rejected { reason, .. } => Some(*reason),
        PublishError::PacketTooLarge { .. } => Some(ReasonCode::PacketTooLarge),
        _ => None,
    };
    make(PUBLISH, &e.to_string(), code)
}

/// A subscription the client restored by itself after a lost session could not be made.
pub(crate) fn subscription_lost(filter: &str, reason: ReasonCode) -> JsValue {
    make(
        SUBSCRIPTION,
        &format!(
            "the subscription {} could not be restored: {reason}",
            crate::codec::Quoted(filter)
        ),
        Some(reason),
    )
}
