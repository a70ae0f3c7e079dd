#!/usr/bin/env bash
# The programs Kith's tests talk to for real, from Debian's packages:
#   dovecot-imapd   a real IMAP server (with TLS) for `kith import mail imaps://…`
#   maildir-utils   mu, the reference the mail benchmark is measured against
#   openssl         a throw-away certificate for that IMAP server
#   chromium        the browser the web app's end-to-end tests drive (through Playwright)
# Installs only what is missing; needs root (CI and the dev machine run as root).
set -euo pipefail
need=()
# dovecot-core alone has no IMAP server: look for the imap binary of dovecot-imapd too.
{ command -v dovecot >/dev/null 2>&1 && [ -x /usr/lib/dovecot/imap ]; } || need+=(dovecot-imapd dovecot-core)
command -v mu >/dev/null 2>&1 || need+=(maildir-utils)
command -v openssl >/dev/null 2>&1 || need+=(openssl)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "Kith's tests need these Debian packages: ${need[*]}" >&2
  echo "install them as root:  apt-get update && apt-get install -y ${need[*]}" >&2
  exit 1
fi
echo "installing ${need[*]} (Debian packages the tests use)…"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
# The packages start a system-wide Dovecot on the standard ports; Kith's tests run their own.
if command -v dovecot >/dev/null 2>&1; then
  (systemctl stop dovecot 2>/dev/null || service dovecot stop 2>/dev/null || doveadm stop 2>/dev/null) || true
fi
