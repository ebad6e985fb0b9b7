package io.mirrorswitch.health;

/**
 * A policy's answer: the active upstream, why (used as the switch reason when it differs from the current
 * one), and what the policy wants to remember for next time.
 */
public record Choice(String active, String reason, ChallengerStreak streak) {
}
