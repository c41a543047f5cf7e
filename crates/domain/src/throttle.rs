//! How failed sign-in attempts slow the next ones. A hard lock of a named account lets anyone
//! who knows a worker's e-mail keep them out (the 24/7 coordinator, in a crisis); so failures
//! are counted per account *and* address, per address, and per account from anywhere, and
//! past a free allowance each failure makes the next attempt wait twice as long as the one
//! before, up to a ceiling. A browser that signed in before (its device cookie, as OWASP
//! describes) is counted on its own and never slowed by failures from elsewhere.

/// One throttle: `free` failures within `window_ms` pass; the next one makes the key wait
/// `first_delay_ms`, each further one twice as long, never more than `max_delay_ms`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThrottleRule {
    pub free: i64,
    pub window_ms: i64,
    pub first_delay_ms: i64,
    pub max_delay_ms: i64,
}

const MINUTE_MS: i64 = 60 * 1000;
const WINDOW_MS: i64 = 15 * MINUTE_MS;

impl ThrottleRule {
    /// One account from one address: a mistyped password a few times costs nothing.
    pub const ACCOUNT_AT_ADDRESS: ThrottleRule = ThrottleRule {
        free: 5,
        window_ms: WINDOW_MS,
        first_delay_ms: 30 * 1000,
        max_delay_ms: 15 * MINUTE_MS,
    };
    /// One account from anywhere, for browsers it does not know: guessing spread over many
    /// addresses slows down; the account's own browser is not counted here.
    pub const ACCOUNT_FROM_ANYWHERE: ThrottleRule = ThrottleRule {
        free: 10,
        window_ms: WINDOW_MS,
        first_delay_ms: 30 * 1000,
        max_delay_ms: 15 * MINUTE_MS,
    };
    /// One address, whatever the accounts: a password spray stops after 30 failures.
    pub const ADDRESS: ThrottleRule = ThrottleRule {
        free: 30,
        window_ms: WINDOW_MS,
        first_delay_ms: 15 * MINUTE_MS,
        max_delay_ms: 15 * MINUTE_MS,
    };
    /// A browser that signed in to the account before (its device cookie).
    pub const KNOWN_DEVICE: ThrottleRule = ThrottleRule {
        free: 5,
        window_ms: WINDOW_MS,
        first_delay_ms: 30 * 1000,
        max_delay_ms: 15 * MINUTE_MS,
    };
    /// Second-factor guesses on one account (codes have 6 digits): counted before each
    /// check, so the allowance is the attempts themselves.
    pub const SECOND_FACTOR: ThrottleRule = ThrottleRule {
        free: 6,
        window_ms: WINDOW_MS,
        first_delay_ms: 15 * MINUTE_MS,
        max_delay_ms: 15 * MINUTE_MS,
    };

    /// How long the key waits after its `failures`-th failure in the window; `None` while
    /// within the free allowance.
    pub fn delay_after(&self, failures: i64) -> Option<i64> {
        if failures < self.free {
            return None;
        }
        // 2^(failures - free), capped: past 2^20 the ceiling holds anyway.
        let factor = 1_i64 << (failures - self.free).min(20);
        Some(
            self.first_delay_ms
                .saturating_mul(factor)
                .min(self.max_delay_ms),
        )
    }
}

// A worker mistyping at her own address is slowed before guesses spread over addresses slow
// her account, and an address (a shelter's shared connection) allows more than one account.
const _: () = assert!(
    ThrottleRule::ACCOUNT_AT_ADDRESS.free < ThrottleRule::ACCOUNT_FROM_ANYWHERE.free
        && ThrottleRule::ACCOUNT_FROM_ANYWHERE.free < ThrottleRule::ADDRESS.free
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_start_past_the_allowance_and_double_up_to_the_ceiling() {
        let rule = ThrottleRule::ACCOUNT_AT_ADDRESS;
        let seconds = |n| rule.delay_after(n).map(|ms| ms / 1000);
        assert_eq!(seconds(0), None);
        assert_eq!(seconds(4), None);
        assert_eq!(seconds(5), Some(30));
        assert_eq!(seconds(6), Some(60));
        assert_eq!(seconds(7), Some(120));
        assert_eq!(seconds(9), Some(480));
        assert_eq!(seconds(10), Some(900));
        assert_eq!(seconds(1_000_000), Some(900));
        assert_eq!(seconds(i64::MAX), Some(900));
    }

    #[test]
    fn an_address_pauses_a_quarter_hour_after_thirty_failures() {
        let rule = ThrottleRule::ADDRESS;
        assert_eq!(rule.delay_after(29), None);
        assert_eq!(rule.delay_after(30), Some(15 * 60 * 1000));
        assert_eq!(rule.delay_after(31), Some(15 * 60 * 1000));
    }
}
