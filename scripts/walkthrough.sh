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

# json EXPRESSION < JSON: prints what the JavaScript EXPRESSION makes of the JSON `d` (strings as they are).
json() {
  "$NODE" -e '
    const d = JSON.parse(require("fs").readFileSync(0, "utf8"));
    const v = new Function("d", `return (${process.argv[1]})`)(d);
    process.stdout.write(typeof v === "string" ? v : JSON.stringify(v ?? null));' "$1"
}

# gql QUERY [VARIABLES]: the gateway's answer, as the current terminal (P12, PASSPHRASE) and session (TOKEN).
gql() {
  local body
  body=$("$NODE" -e 'process.stdout.write(JSON.stringify({ query: process.argv[1], variables: JSON.parse(process.argv[2]) }))' \
    "$1" "${2:-"{}"}")
  curl -sS --cacert "$CA" --cert-type P12 --cert "$P12:$PASSPHRASE" -H 'content-type: application/json' \
    ${TOKEN:+-H "authorization: Bearer $TOKEN"} --data-binary "$body" "$URL" ||
    fail "no answer from $URL (is Renkei running on PORT $PORT?)"
}

# call WHAT QUERY [VARIABLES] [HINT]: the answer's data; stops with the refusal's code and message (and HINT) otherwise.
# Right after a step, another subgraph may not have heard of it yet: consent and rooms learn of a
# new subject, of who is related to it and of its consent within about a second, and answer
# FORBIDDEN, NOT_FOUND or CONFLICT until then. call asks again (for up to 10 s) while they do.
call() {
  local what=$1 answer code attempt
  for attempt in $(seq 1 50); do
    answer=$(gql "$2" "${3:-"{}"}")
    code=$(json 'd.errors ? (d.errors[0].extensions && d.errors[0].extensions.code) || "ERROR" : ""' <<<"$answer")
    case "$code" in
    "") json 'd.data' <<<"$answer" && return 0 ;;
    FORBIDDEN | NOT_FOUND | CONFLICT) [ "${RETRY:-}" = yes ] && [ "$attempt" -lt 50 ] && sleep 0.2 && continue ;;
    esac
    fail "$what was refused: $code: $(json 'd.errors[0].message' <<<"$answer")${4:+ ($4)}"
  done
}

# sign_in ACCOUNT PASSWORD [HINT]: sets TOKEN, and changes a one-time password first if the network asks for it.
sign_in() {
  local signed must
  TOKEN=
  signed=$(call "signing in as $1" 'mutation ($a: String!, $p: String!) { signIn(accountId: $a, password: $p) { token mustChangePassword } }' \
    "$("$NODE" -p 'JSON.stringify({ a: process.argv[1], p: process.argv[2] })' "$1" "$2")" "${3:-}")
  TOKEN=$(json 'd.signIn.token' <<<"$signed")
  must=$(json 'd.signIn.mustChangePassword' <<<"$signed")
  echo "Signed in as $1 (session token captured)."
  if [ "$must" = true ]; then
    NEW_PASSWORD=${NEW_PASSWORD:-"walkthrough-$("$NODE" -p 'require("crypto").randomBytes(9).toString("base64url")')"}
    call 'changing the one-time password' 'mutation ($c: String!, $n: String!) { changePassword(currentPassword: $c, newPassword: $n) }' \
      "$("$NODE" -p 'JSON.stringify({ c: process.argv[1], n: process.argv[2] })' "$2" "$NEW_PASSWORD")" >/dev/null
    echo "The one-time password is changed (required before anything else). The new password: $NEW_PASSWORD"
    echo "  (keep it; the next run needs it: PASSWORD='$NEW_PASSWORD' $0)"
  fi
}

# show_timeline ROOM_ID: the room, its subject and consent, and its posts, newest first.
show_timeline() {
  local room
  room=$(call "reading the room's timeline" 'query ($id: ID!) { room(id: $id) { title subject { name } consentStatus
      members { user { name } } timeline(first: 20) { items { category body createdAt author { name facility { name } } } } } }' \
    "$("$NODE" -p 'JSON.stringify({ id: process.argv[1] })' "$1")")
  json '[
    `Room "${d.room.title}": subject ${d.room.subject.name}, consent ${d.room.consentStatus}, members ${d.room.members.map((m) => m.user.name).join(", ")}`,
    "Timeline (newest first):",
    ...d.room.timeline.items.map((p) => `  [${p.category}] ${p.author.name} (${p.author.facility.name}), ${p.createdAt.slice(0, 16).replace("T", " ")} UTC\n    ${p.body}`),
  ].join("\n")' <<<"$room"
  echo
}

if [ -f "$DATA_DIR/people.json" ]; then
  # The demo network: its people are in people.json.
  people=$(cat "$DATA_DIR/people.json")
  ACCOUNT=${1:-$(json 'd.tryFirst' <<<"$people")}
  person=$(json "d.people.find((p) => p.accountId === $("$NODE" -p 'JSON.stringify(process.argv[1])' "$ACCOUNT"))" <<<"$people")
  [ "$person" != null ] || fail "$ACCOUNT is not one of the demo's people (see $DATA_DIR/people.txt)"
  CA="$DATA_DIR/$(json 'd.caCertificate' <<<"$people")"
  P12="$DATA_DIR/$(json 'd.certificate' <<<"$person")"
  PASSPHRASE=$(json 'd.passphrase' <<<"$person")
  echo "Demo network: $(json '`${d.name}, ${d.role} at ${d.facility}`' <<<"$person"), certificate $P12"
  sign_in "$ACCOUNT" "${PASSWORD:-$(json 'd.password' <<<"$person")}"
  rooms=$(call 'listing rooms' '{ rooms { items { id title subject { name } consentStatus } } }')
  echo "Rooms $ACCOUNT may see:"
  json 'd.rooms.items.map((r) => `  ${r.title} (${r.id}): subject ${r.subject.name}, consent ${r.consentStatus}`).join("\n")' <<<"$rooms"
  echo
  ROOM=$(json 'd.rooms.items[0] ? d.rooms.items[0].id : ""' <<<"$rooms")
  [ -n "$ROOM" ] || fail "$ACCOUNT is a member of no room"
  show_timeline "$ROOM"
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
sign_in "$ACCOUNT" "${PASSWORD:-$(field 'initial password')}" \
  "${PASSWORD:+is PASSWORD right?}${PASSWORD:-once the one-time password is changed, set PASSWORD to the new one}"
ME=$(call 'reading who signed in' '{ me { user { id } } }' | json 'd.me.user.id')

# A new birth date each run: the network refuses to register the same person twice.
BIRTH=$("$NODE" -p 'new Date(Date.UTC(1930, 0, 1) + Math.floor(Math.random() * 5000) * 864e5).toISOString().slice(0, 10)')
TODAY=$(date -u +%Y-%m-%d)
SUBJECT=$(call 'registering a subject' 'mutation ($input: RegisterSubjectInput!) { registerSubject(input: $input) { id } }' \
  "{\"input\": {\"name\": \"高岡 太郎\", \"nameKana\": \"タカオカ タロウ\", \"birthDate\": \"$BIRTH\", \"category\": \"RECEIVING_HOME_SUPPORT\"}}" |
  json 'd.registerSubject.id')
echo "Registered the subject 高岡 太郎 (born $BIRTH): $SUBJECT"

# Consent and rooms learn of the subject, and that you registered it, within a second (call asks again).
RETRY=yes call 'recording consent (Forms 6 and 7)' 'mutation ($input: ConsentInput!) { recordConsent(input: $input) { state } }' \
  "{\"input\": {\"subjectId\": \"$SUBJECT\", \"explanation\": {\"explainedOn\": \"$TODAY\"},
    \"signature\": {\"signedBy\": \"SUBJECT\", \"signedOn\": \"$TODAY\"}, \"purposes\": [\"PROVIDE_SERVICES\", \"COORDINATE_PROVIDERS\"]}}" >/dev/null
echo "Recorded the subject's consent."

# A room opens only with consent (or a legal exception), once rooms has heard of it. openRoom records a
# paper Form 8; the administrator manages the room and, invited as a member, may read and post.
ROOM=$(RETRY=yes call 'opening a room (paper Form 8)' 'mutation ($input: OpenRoomInput!) { openRoom(input: $input) { id } }' \
  "{\"input\": {\"subjectId\": \"$SUBJECT\", \"title\": \"太郎さんの部屋\", \"memberIds\": [\"$ME\"]}}" | json 'd.openRoom.id')
echo "Opened the room $ROOM."

call 'posting' 'mutation ($r: ID!, $b: String!) { createPost(roomId: $r, category: COORDINATION, body: $b) { id } }' \
  "{\"r\": \"$ROOM\", \"b\": \"退院前カンファレンスを来週火曜14時に行います。\"}" >/dev/null
echo "Posted in the room."
echo
show_timeline "$ROOM"
