//! Errors as JS sees them: `Error` objects with a stable `name`, the MQTT reason `code` where
//! one applies, its `reasonName`, and a message that names the bad value.

use js_sys::{Error, Reflect};
use wasm_bindgen::JsValue;

use crate::codec::ReasonCode;
use crate::session::{CloseReason, PublishError, UsageError};

fn make(name: &str, message: &str, code: Option<ReasonCode>) -> JsValue {
    let err = Error::new(message);
    err.set_name(name);
    if let Some(code) = code {
        let _ = Reflect::set(&err, &"code".into(), &JsValue::from(code as u8));
        let _ = Reflect::set(&err, &"reasonName".into(), &JsValue::from(code.name()));
    }
    err.into()
}

/// Bad input from JS: the caller's fault.
pub(crate) fn usage(message: &str) -> JsValue {
    make("MqttUsageError", message, None)
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
    make("MqttUsageError", &e.to_string(), code)
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
    make("MqttConnectionError", &reason.to_string(), code)
}

/// A failed publish.
pub(crate) fn from_publish(e: &PublishError) -> JsValue {
    let code = match e {
        PublishError::Rejected { reason, .. } => Some(*reason),
        PublishError::PacketTooLarge { .. } => Some(ReasonCode::PacketTooLarge),
        _ => None,
    };
    make("MqttPublishError", &e.to_string(), code)
}

/// A subscription the client restored by itself after a lost session could not be made.
pub(crate) fn subscription_lost(filter: &str, reason: ReasonCode) -> JsValue {
    make(
        "MqttSubscriptionError",
        &format!("the subscription {filter:?} could not be restored: {reason}"),
        Some(reason),
    )
}

/// A request that got no response in time.
pub(crate) fn timeout(message: &str) -> JsValue {
    make("MqttTimeoutError", message, None)
}
