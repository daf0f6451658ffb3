//! The conformance checker itself must catch what it is there to catch.

use serde_json::json;

#[test]
fn the_spec_checker_rejects_bad_requests_and_accepts_good_ones() {
    let Some(spec) = fake_discord::openapi::spec() else { return };
    assert!(spec
        .check("POST", "/channels/123/messages", Some(&json!({"content": "hi", "nonce": "abc", "enforce_nonce": true})))
        .is_ok());
    let err = spec.check("POST", "/channels/123/messages", Some(&json!({"content": 5}))).unwrap_err();
    assert!(err.contains("body does not match"), "{err}");
    let err = spec.check("POST", "/channels/123/messages", Some(&json!({"content": "x".repeat(4001)}))).unwrap_err();
    assert!(err.contains("body does not match"), "{err}");
    let err = spec.check("POST", "/channels/123/no-such-thing", None).unwrap_err();
    assert!(err.contains("no operation"), "{err}");
    assert!(spec.check("PUT", "/channels/1/messages/2/reactions/%F0%9F%91%8D/@me", None).is_ok());
}
