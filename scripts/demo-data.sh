#!/usr/bin/env bash
# PUT a small set of realistic demo contacts and events into a CardDAV address book and a CalDAV calendar.
#
# Usage: scripts/demo-data.sh URL_AB URL_CAL USER PASSWORD
#   e.g. scripts/demo-data.sh http://127.0.0.1:5232/alice/contacts/ http://127.0.0.1:5232/alice/calendar/ alice alice-pw
#
# 5 vCards (demo-card-1.vcf ... demo-card-5.vcf; a mix of vCard 3.0 and 4.0) and 4 events
# (demo-event-1.ics ... demo-event-4.ics).  UIDs and hrefs are fixed, and every PUT carries
# "If-None-Match: *", so running it again changes nothing: an object that is already there answers 412.
# Bodies are sent with CRLF line endings.  Exit status 1 if any PUT got an unexpected answer.
set -euo pipefail

if [ $# -ne 4 ]; then
  echo "usage: $0 URL_AB URL_CAL USER PASSWORD" >&2
  exit 2
fi
AB="${1%/}/"
CAL="${2%/}/"
USER_NAME="$3"
PASSWORD="$4"

command -v curl >/dev/null 2>&1 || { echo "demo-data: curl is needed" >&2; exit 1; }

created=0 existed=0 failed=0

# put URL CONTENT_TYPE : PUT stdin (LF line endings, converted to CRLF) to URL with If-None-Match: *.
put() {
  local url="$1" ctype="$2" body code
  body="$(mktemp)"
  # every line, including the last, ends in CRLF
  sed -e 's/\r$//' -e 's/$/\r/' > "$body"
  code="$(curl -s -o /dev/null -w '%{http_code}' -m 30 -u "$USER_NAME:$PASSWORD" -X PUT \
    -H "Content-Type: $ctype" -H 'If-None-Match: *' --data-binary "@$body" "$url" || true)"
  rm -f "$body"
  case "$code" in
    201|204) created=$((created + 1)); echo "created  $url" ;;
    412) existed=$((existed + 1)); echo "exists   $url" ;;
    *) failed=$((failed + 1)); echo "FAILED   $url -> HTTP $code" >&2 ;;
  esac
}

VCARD='text/vcard; charset=utf-8'
ICAL='text/calendar; charset=utf-8'

# --- Contacts ----------------------------------------------------------------------------------------------

# vCard 3.0: German name with umlauts, work + home email with TYPE, two phones, a home ADR, a BDAY, an ORG.
put "${AB}demo-card-1.vcf" "$VCARD" <<'EOF'
BEGIN:VCARD
VERSION:3.0
PRODID:-//jmap-gateway//demo-data//EN
UID:demo-card-1
N:Schäfer;Jürgen;;Dr.;
FN:Dr. Jürgen Schäfer
ORG:Müller & Söhne GmbH;Einkauf
TITLE:Leiter Einkauf
EMAIL;TYPE=INTERNET,WORK,pref:juergen.schaefer@mueller-soehne.example
EMAIL;TYPE=INTERNET,HOME:j.schaefer@example.de
TEL;TYPE=WORK,VOICE:+49 30 1234567
TEL;TYPE=CELL:+49 170 9876543
ADR;TYPE=HOME:;;Straße des 17. Juni 135;Berlin;;10623;Deutschland
BDAY:1972-03-14
REV:20250101T000000Z
END:VCARD
EOF

# vCard 4.0: Scandinavian name, PREF, tel: URIs, a year-less birthday, a NOTE with escaped commas and semicolon.
put "${AB}demo-card-2.vcf" "$VCARD" <<'EOF'
BEGIN:VCARD
VERSION:4.0
PRODID:-//jmap-gateway//demo-data//EN
UID:urn:uuid:6f1c2a57-3d64-4e0b-9c1a-0d5e7b2f4a01
KIND:individual
N:Ødegård;Søren;;;
FN:Søren Ødegård
EMAIL;TYPE=home;PREF=1:soren@odegard.example
EMAIL;TYPE=work:s.odegard@fjord-consulting.example
TEL;VALUE=uri;TYPE="voice,cell";PREF=1:tel:+47-912-34-567
BDAY:--0612
NOTE:Met at the Oslo meetup\, June 2024\; likes coffee\, jazz and long hikes
 .
LANG;PREF=1:no
LANG;PREF=2:en
REV:20250101T000000Z
END:VCARD
EOF

# vCard 3.0 as Apple Contacts writes it: CJK name, grouped item1.EMAIL + item1.X-ABLabel (custom label),
# item2.URL with a built-in label.
put "${AB}demo-card-3.vcf" "$VCARD" <<'EOF'
BEGIN:VCARD
VERSION:3.0
PRODID:-//Apple Inc.//iPhone OS 18.1//EN
UID:demo-card-3
N:李;伟;;;
FN:李伟
X-PHONETIC-FIRST-NAME:Wei
X-PHONETIC-LAST-NAME:Li
EMAIL;type=INTERNET;type=HOME;type=pref:li.wei@example.cn
item1.EMAIL;type=INTERNET:wei@badminton-club.example
item1.X-ABLabel:Badminton club
TEL;type=CELL;type=VOICE;type=pref:+86 138 0013 8000
item2.URL;type=pref:https://li-wei.example.cn/
item2.X-ABLabel:_$!<HomePage>!$_
REV:2025-01-01T00:00:00Z
END:VCARD
EOF

# vCard 4.0 organisation card: KIND:org, ADR with a two-line street and a LABEL, URL, a Japanese name.
put "${AB}demo-card-4.vcf" "$VCARD" <<'EOF'
BEGIN:VCARD
VERSION:4.0
PRODID:-//jmap-gateway//demo-data//EN
UID:urn:uuid:0b9a3c1e-2f4d-4a8b-8e6f-5c7d9e1a2b04
KIND:org
FN:Café Ōtani
ORG:Café Ōtani
EMAIL;TYPE=work:hello@cafe-otani.example
TEL;VALUE=uri;TYPE=work:tel:+81-3-1234-5678
ADR;TYPE=work;LABEL="Ōtani Bldg. 3F\n1-2-3 Jingumae\nShibuya-ku, Tokyo 150-0001\nJa
 pan":;;Ōtani Bldg. 3F\n1-2-3 Jingumae;Shibuya-ku;Tokyo;150-0001;Japan
URL:https://cafe-otani.example/
CATEGORIES:coffee,restaurants
REV:20250101T000000Z
END:VCARD
EOF

# vCard 3.0: Irish/French name with an apostrophe and accents, three emails, work and home phones,
# an OTHER address, a full BDAY and NICKNAME.
put "${AB}demo-card-5.vcf" "$VCARD" <<'EOF'
BEGIN:VCARD
VERSION:3.0
PRODID:-//jmap-gateway//demo-data//EN
UID:demo-card-5
N:O'Connor;Renée;Marie;;
FN:Renée Marie O'Connor
NICKNAME:Ren
EMAIL;TYPE=INTERNET,WORK:renee.oconnor@example.ie
EMAIL;TYPE=INTERNET,HOME,pref:renee@example.fr
EMAIL;TYPE=INTERNET:r.oconnor@alumni.example.edu
TEL;TYPE=WORK,VOICE:+353 1 234 5678
TEL;TYPE=HOME,VOICE:+33 1 23 45 67 89
ADR;TYPE=WORK:;Suite 4;12 Grafton Street;Dublin;;D02 XY45;Ireland
BDAY:1988-11-02
NOTE:Prefers email. Speaks English\, French and Irish.
REV:20250101T000000Z
END:VCARD
EOF

# --- Events ------------------------------------------------------------------------------------------------

# Timed event in Europe/Berlin, with its VTIMEZONE.
put "${CAL}demo-event-1.ics" "$ICAL" <<'EOF'
BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//jmap-gateway//demo-data//EN
BEGIN:VTIMEZONE
TZID:Europe/Berlin
BEGIN:DAYLIGHT
TZOFFSETFROM:+0100
TZOFFSETTO:+0200
TZNAME:CEST
DTSTART:19700329T020000
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU
END:DAYLIGHT
BEGIN:STANDARD
TZOFFSETFROM:+0200
TZOFFSETTO:+0100
TZNAME:CET
DTSTART:19701025T030000
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU
END:STANDARD
END:VTIMEZONE
BEGIN:VEVENT
UID:demo-event-1
DTSTAMP:20250101T000000Z
CREATED:20250101T000000Z
LAST-MODIFIED:20250101T000000Z
SEQUENCE:0
DTSTART;TZID=Europe/Berlin:20270316T100000
DTEND;TZID=Europe/Berlin:20270316T113000
SUMMARY:Quartalsplanung Q2
DESCRIPTION:Agenda:\n1. Rückblick Q1\n2. Ziele\, Budget und Personal\n3. Sons
 tiges
LOCATION:Besprechungsraum „Spree“, 3. OG
STATUS:CONFIRMED
CLASS:PUBLIC
CATEGORIES:Work,Planning
END:VEVENT
END:VCALENDAR
EOF

# All-day event spanning two days (DTEND is exclusive).
put "${CAL}demo-event-2.ics" "$ICAL" <<'EOF'
BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//jmap-gateway//demo-data//EN
BEGIN:VEVENT
UID:demo-event-2
DTSTAMP:20250101T000000Z
DTSTART;VALUE=DATE:20270703
DTEND;VALUE=DATE:20270705
SUMMARY:Sommerfest 🎉
LOCATION:Tempelhofer Feld, Berlin
TRANSP:TRANSPARENT
CATEGORIES:Personal
END:VEVENT
END:VCALENDAR
EOF

# Weekly recurring event (UTC), ten occurrences, one of them cancelled with EXDATE.
put "${CAL}demo-event-3.ics" "$ICAL" <<'EOF'
BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//jmap-gateway//demo-data//EN
BEGIN:VEVENT
UID:demo-event-3
DTSTAMP:20250101T000000Z
DTSTART:20270104T080000Z
DURATION:PT30M
RRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=10
EXDATE:20270118T080000Z
SUMMARY:Weekly stand-up
DESCRIPTION:Short status round. Cancelled on 18 January (team offsite).
LOCATION:https://meet.example.com/standup
STATUS:CONFIRMED
END:VEVENT
END:VCALENDAR
EOF

# Meeting with an ORGANIZER, ATTENDEEs (PARTSTAT, ROLE, RSVP) and two VALARMs.
put "${CAL}demo-event-4.ics" "$ICAL" <<'EOF'
BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//jmap-gateway//demo-data//EN
BEGIN:VEVENT
UID:demo-event-4
DTSTAMP:20250101T000000Z
DTSTART:20270209T130000Z
DTEND:20270209T140000Z
SUMMARY:Design review: JMAP gateway
DESCRIPTION:Review of the contacts and calendars mapping.
LOCATION:Room 2.14
ORGANIZER;CN=Alice Example:mailto:alice@example.com
ATTENDEE;CN=Alice Example;ROLE=CHAIR;PARTSTAT=ACCEPTED:mailto:alice@example.com
ATTENDEE;CN=Bob Example;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE
 :mailto:bob@example.com
ATTENDEE;CN=Søren Ødegård;ROLE=OPT-PARTICIPANT;PARTSTAT=TENTATIVE;RSVP=TRUE:
 mailto:soren@odegard.example
PRIORITY:5
BEGIN:VALARM
UID:demo-event-4-alarm-1
ACTION:DISPLAY
DESCRIPTION:Design review in 15 minutes
TRIGGER:-PT15M
END:VALARM
BEGIN:VALARM
UID:demo-event-4-alarm-2
ACTION:DISPLAY
DESCRIPTION:Design review tomorrow
TRIGGER;RELATED=START:-P1D
END:VALARM
END:VEVENT
END:VCALENDAR
EOF

echo "demo-data: $created created, $existed already present, $failed failed"
[ "$failed" -eq 0 ]
