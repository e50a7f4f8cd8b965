-- Failed password sign-ins (SignInThrottle, SignInFailures). Keys are an email typed or a client address, not
-- tenant data: the throttle must count an email whether or not any account has such a user.

-- name: get
SELECT failures, last_at, locked_until FROM sign_in_failure WHERE key = :key

-- name: ensure
INSERT INTO sign_in_failure (key, failures, last_at, locked_until, forget_at)
VALUES (:key, 0, to_timestamp(0), to_timestamp(0), to_timestamp(0)) ON CONFLICT (key) DO NOTHING

-- name: lock-row
SELECT failures, last_at, locked_until FROM sign_in_failure WHERE key = :key FOR UPDATE

-- name: put
UPDATE sign_in_failure SET failures = :failures, last_at = :last, locked_until = :lockedUntil, forget_at = :forgetAt
WHERE key = :key

-- name: remove
DELETE FROM sign_in_failure WHERE key = :key

-- name: forget
DELETE FROM sign_in_failure WHERE forget_at <= :now

-- name: size
SELECT count(*) FROM sign_in_failure
