#!/usr/bin/env bash
# The README's walkthrough as a script: from a terminal with a network
# certificate to a room's timeline, over the gateway's HTTPS with curl.
#
#   scripts/walkthrough.sh                          # on `npm start` (DATA_DIR .data)
#   DATA_DIR=.data/demo scripts/walkthrough.sh [account ID]   # on `npm run demo`
#
# On `npm start` it signs in as the first system administrator (the files in
# DATA_DIR/bootstrap), changes the one-time password, registers an invented
# person (a new birth date each run, since a person is registered only once),
# records the person's consent (Forms 6 and 7), opens a room on a paper Form 8
# with the administrator as a member, posts and reads the room's timeline.
# On the demo network (DATA_DIR/people.json) it signs in as one of the demo's
# people (people.json's tryFirst unless an account ID is given) and reads the
# timeline of that person's first room.
#
# Environment: PORT (4000), DATA_DIR (.data), CA_DIR (DATA_DIR/ca);
# PASSWORD: the administrator's password once the one-time one was changed;
# NEW_PASSWORD: the one to set at first sign-in (default: a random one, printed).
# Needs bash, curl (with OpenSSL, for .p12 certificates) and node (to read JSON).
set -euo pipefail
# A failure inside $(...) stops the script too.
shopt -s inherit_errexit

PORT=${PORT:-4000}
DATA_DIR=${DATA_DIR:-.data}
URL="https://127.0.0.1:$PORT/graphql"
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# Any node reads JSON; the project's own (node_modules/.bin) when there is no other.
NODE=$(command -v node || echo "$here/../node_modules/.bin/node")

fail() {
  echo "walkthrough: $*" >&2
  exit 1
}

# jstr TEXT: TEXT as a JSON string (the values here are ids, passwords, queries: no control characters but newlines).
jstr() {
  local s=${1//\\/\\\\}
  s=${s//\"/\\\"}
  printf '"%s"' "${s//$'\n'/\\n}"
}

# json EXPRESSION < JSON: what the JavaScript EXPRESSION makes of the JSON `d` (a string as it is, anything else as JSON).
json() {
  "$NODE" -e '
    const d = JSON.parse(require("fs").readFileSync(0, "utf8"));
    const v = new Function("d", `return (${process.argv[1]})`)(d);
    process.stdout.write(typeof v === "string" ? v : JSON.stringify(v ?? null));' "$1"
}

# call WHAT QUERY [VARIABLES] [PICK]: asks the gateway as the current terminal (P12, PASSPHRASE) and
# session (TOKEN), and prints PICK (a JavaScript expression of the answer's data `d`; default: all of
# it); stops with the refusal's code and message (and HINT, if set) otherwise.
# Right after a step, another subgraph may not have heard of it yet: consent and rooms learn of a
# new subject, of who is related to it and of its consent within about a second, and answer
# FORBIDDEN, NOT_FOUND or CONFLICT until then. With RETRY=yes, call asks again (for up to 10 s).
call() {
  local what=$1 answer result code attempt
  for attempt in $(seq 1 50); do
    answer=$(curl -sS --cacert "$CA" --cert-type P12 --cert "$P12:$PASSPHRASE" -H 'content-type: application/json' \
      ${TOKEN:+-H "authorization: Bearer $TOKEN"} --data-binary "{\"query\": $(jstr "$2"), \"variables\": ${3:-"{}"}}" "$URL") ||
      fail "no answer from $URL (is Renkei running on PORT $PORT?)"
    # One line "!CODE message" for a refusal, what was picked otherwise.
    result=$(json "d.errors ? \`!\${(d.errors[0].extensions || {}).code || 'ERROR'} \${d.errors[0].message}\` : ((d) => ${4:-d})(d.data)" <<<"$answer")
    [[ $result == '!'* ]] || {
      echo "$result"
      return 0
    }
    code=${result%% *}
    code=${code#!}
    case "$code" in
    FORBIDDEN | NOT_FOUND | CONFLICT) [ "${RETRY:-}" = yes ] && [ "$attempt" -lt 50 ] && sleep 0.2 && continue ;;
    esac
    fail "$what was refused: $code: ${result#* }${HINT:+ ($HINT)}"
  done
}

# sign_in ACCOUNT PASSWORD: sets TOKEN, and changes a one-time password first if the network asks for it.
sign_in() {
  local must
  TOKEN=
  read -r TOKEN must < <(call "signing in as $1" \
    'mutation ($a: String!, $p: String!) { signIn(accountId: $a, password: $p) { token mustChangePassword } }' \
    "{\"a\": $(jstr "$1"), \"p\": $(jstr "$2")}" '`${d.signIn.token} ${d.signIn.mustChangePassword}`')
  [ -n "$TOKEN" ] || exit 1 # call has said why
  echo "Signed in as $1 (session token captured)."
  if [ "$must" = true ]; then
    if [ -z "${NEW_PASSWORD:-}" ]; then
      local random
      random=$(head -c 200 /dev/urandom | LC_ALL=C tr -dc 'A-Za-z0-9')
      NEW_PASSWORD="walkthrough-${random:0:12}"
    fi
    HINT= call 'changing the one-time password' \
      'mutation ($c: String!, $n: String!) { changePassword(currentPassword: $c, newPassword: $n) }' \
      "{\"c\": $(jstr "$2"), \"n\": $(jstr "$NEW_PASSWORD")}" >/dev/null
    echo "The one-time password is changed (required before anything else). The new password: $NEW_PASSWORD"
    echo "  (keep it; the next run needs it: PASSWORD='$NEW_PASSWORD' $0)"
  fi
}

# show_timeline ROOM_ID: the room, its subject and consent, its members and its posts, newest first.
show_timeline() {
  call "reading the room's timeline" 'query ($id: ID!) { room(id: $id) { title subject { name } consentStatus
      members { user { name } } timeline(first: 20) { items { category body createdAt author { name facility { name } } } } } }' \
    "{\"id\": $(jstr "$1")}" '[
      `Room "${d.room.title}": subject ${d.room.subject.name}, consent ${d.room.consentStatus}, members ${d.room.members.map((m) => m.user.name).join(", ")}`,
      "Timeline (newest first):",
      ...d.room.timeline.items.map((p) => `  [${p.category}] ${p.author.name} (${p.author.facility.name}), ${p.createdAt.slice(0, 16).replace("T", " ")} UTC\n    ${p.body}`),
    ].join("\n")'
}

[ ! -f "$DATA_DIR/demo-seeding" ] ||
  fail "npm run demo is still seeding $DATA_DIR (wait for \"Demo network ready\"), or its seeding stopped (see its output)"
if [ -f "$DATA_DIR/people.json" ]; then
  # The demo network: its people are in people.json (paths in it are relative to DATA_DIR).
  {
    read -r ACCOUNT
    read -r CA
    read -r P12
    read -r PASSPHRASE
    read -r DEMO_PASSWORD
    read -r WHO
  } < <(json "(() => {
      const p = d.people.find((p) => p.accountId === ($(jstr "${1:-}") || d.tryFirst));
      return p ? [p.accountId, d.caCertificate, p.certificate, p.passphrase, p.password, \`\${p.name}, \${p.role} at \${p.facility}\`].join('\n') : '';
    })()" <"$DATA_DIR/people.json") || true # an unknown account: nothing to read
  [ -n "${ACCOUNT:-}" ] || fail "${1:-} is not one of the demo's people (see $DATA_DIR/people.txt)"
  CA="$DATA_DIR/$CA"
  P12="$DATA_DIR/$P12"
  echo "Demo network: $WHO, certificate $P12"
  HINT=${PASSWORD:+is PASSWORD right?} sign_in "$ACCOUNT" "${PASSWORD:-$DEMO_PASSWORD}"
  # Only the rooms' own facts: the system administrator sees every room, but not every room's subject (need to know).
  ROOMS=$(call 'listing rooms' '{ rooms { items { id title status } } }' '{}' \
    'd.rooms.items.map((r) => `${r.id}  ${r.title} (${r.status})`).join("\n")')
  [ -n "$ROOMS" ] || fail "$ACCOUNT sees no room: rooms are for their members and managers (try another account in $DATA_DIR/people.txt)"
  echo "Rooms $ACCOUNT may see (newest first):"
  sed 's/^[^ ]*  /  /' <<<"$ROOMS"
  echo
  HINT="a room's managers, and the system administrator, see its subject and content only if invited as members" \
    show_timeline "${ROOMS%% *}"
  exit 0
fi

# A network started with `npm start`: its first system administrator.
B="$DATA_DIR/bootstrap/system-admin.txt"
[ -f "$B" ] || fail "no $B: start Renkei first (npm start), or set DATA_DIR to its data directory"
CA="${CA_DIR:-$DATA_DIR/ca}/ca.crt"
field() { sed -n "s/^$1: *\([^ ]*\).*/\1/p" "$B"; }
ACCOUNT=$(field 'account ID')
P12=$(field 'certificate')
PASSPHRASE=$(field 'certificate passphrase')
echo "System administrator $ACCOUNT, certificate $P12"
HINT=${PASSWORD:+is PASSWORD right?}${PASSWORD:-once the one-time password is changed, set PASSWORD to the new one} \
  sign_in "$ACCOUNT" "${PASSWORD:-$(field 'initial password')}"
ME=$(call 'reading who signed in' '{ me { user { id } } }' '{}' 'd.me.user.id')

# A new birth date each run: the network refuses to register the same person twice.
BIRTH=$("$NODE" -p 'new Date(Date.UTC(1925, 0, 1) + Math.floor(Math.random() * 20000) * 864e5).toISOString().slice(0, 10)')
TODAY=$(date -u +%Y-%m-%d)
SUBJECT=$(call 'registering a subject' 'mutation ($input: RegisterSubjectInput!) { registerSubject(input: $input) { id } }' \
  "{\"input\": {\"name\": \"高岡 太郎\", \"nameKana\": \"タカオカ タロウ\", \"birthDate\": \"$BIRTH\", \"category\": \"RECEIVING_HOME_SUPPORT\"}}" \
  'd.registerSubject.id')
echo "Registered the subject 高岡 太郎 (born $BIRTH): $SUBJECT"

# Consent and rooms learn of the subject, and that you registered it, within a second (call asks again).
RETRY=yes call 'recording consent (Forms 6 and 7)' 'mutation ($input: ConsentInput!) { recordConsent(input: $input) { state } }' \
  "{\"input\": {\"subjectId\": \"$SUBJECT\", \"explanation\": {\"explainedOn\": \"$TODAY\"},
    \"signature\": {\"signedBy\": \"SUBJECT\", \"signedOn\": \"$TODAY\"}, \"purposes\": [\"PROVIDE_SERVICES\", \"COORDINATE_PROVIDERS\"]}}" >/dev/null
echo "Recorded the subject's consent."

# A room opens only with consent (or a legal exception), once rooms has heard of it. openRoom records a
# paper Form 8; the administrator manages the room and, invited as a member, may read and post.
ROOM=$(RETRY=yes call 'opening a room (paper Form 8)' 'mutation ($input: OpenRoomInput!) { openRoom(input: $input) { id } }' \
  "{\"input\": {\"subjectId\": \"$SUBJECT\", \"title\": \"太郎さんの部屋\", \"memberIds\": [\"$ME\"]}}" 'd.openRoom.id')
echo "Opened the room $ROOM."

call 'posting' 'mutation ($r: ID!, $b: String!) { createPost(roomId: $r, category: COORDINATION, body: $b) { id } }' \
  "{\"r\": \"$ROOM\", \"b\": \"退院前カンファレンスを来週火曜14時に行います。\"}" >/dev/null
echo "Posted in the room."
echo
show_timeline "$ROOM"
