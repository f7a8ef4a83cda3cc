#!/usr/bin/env bash
# Load millions of triples into a Virtuoso named graph with its RDF bulk loader
# (ld_dir + rdf_loader_run() + checkpoint, through isql-vt). See docs/remote.md.
set -euo pipefail

DEFAULT_GRAPH="https://evidence-kg.example/id/graph"

usage() {
  cat <<'EOF'
usage: scripts/virtuoso_bulk_load.sh [options] PATH [GRAPH_IRI]

Load RDF files into a Virtuoso named graph with Virtuoso's RDF bulk loader:
ld_dir() registers the files, rdf_loader_run() loads them, checkpoint makes
the load durable. For millions of triples this is much faster than
`kg push`, which sends batches over HTTP. The server reads the files itself,
so run this on the database host (or on a shared file system).

  PATH        a file (.nt, .nq, .ttl, .owl, .rdf, optionally .gz), e.g. the
              build/graph.nt that `kg build` writes, or a folder of such files;
              the folder must be listed in DirsAllowed of virtuoso.ini
  GRAPH_IRI   the named graph (default: https://evidence-kg.example/id/graph,
              the graph `kg push` uses for the default base IRI)

options:
  --port HOST:PORT  Virtuoso's SQL port ([Parameters] ServerPort; default localhost:1111)
  --pattern GLOB    which files of a folder to load (default: *.nt)
  --loaders N       rdf_loader_run() processes in parallel (default 1; about
                    the number of cores / 2.5 for big loads)
  --keep            add to the graph instead of replacing it
  --isql PROGRAM    the Virtuoso SQL client (default: isql-vt, else isql)
  -h, --help        show this text

The user name comes from KG_ENDPOINT_USER (default: dba) and the password from
KG_ENDPOINT_PASSWORD (asked for when it is not set and this runs in a
terminal). isql takes a password only as a command-line argument, so other
users of this host can see it in the process list while the load runs: run it
as the database administrator on the database host.

Exit status: 0 when every file loaded, 1 on any error (the loader's errors
are printed), 2 for a usage error.

example:
  kg build --out build
  export KG_ENDPOINT_USER=dba; read -rs KG_ENDPOINT_PASSWORD; export KG_ENDPOINT_PASSWORD
  scripts/virtuoso_bulk_load.sh --loaders 2 "$PWD/build/graph.nt"
EOF
}

die() { echo "virtuoso_bulk_load: $*" >&2; exit 1; }
usage_error() { echo "virtuoso_bulk_load: $*" >&2; echo "run with --help for usage" >&2; exit 2; }

port="localhost:1111"
pattern="*.nt"
loaders=1
replace=1
isql=""
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    --port) [ $# -ge 2 ] || usage_error "--port needs HOST:PORT"; port="$2"; shift 2 ;;
    --pattern) [ $# -ge 2 ] || usage_error "--pattern needs a GLOB"; pattern="$2"; shift 2 ;;
    --loaders) [ $# -ge 2 ] || usage_error "--loaders needs a number"; loaders="$2"; shift 2 ;;
    --keep) replace=0; shift ;;
    --isql) [ $# -ge 2 ] || usage_error "--isql needs a program"; isql="$2"; shift 2 ;;
    --) shift; args+=("$@"); break ;;
    -*) usage_error "unknown option $1" ;;
    *) args+=("$1"); shift ;;
  esac
done
[ ${#args[@]} -ge 1 ] && [ ${#args[@]} -le 2 ] || usage_error "give PATH and optionally GRAPH_IRI"
path="${args[0]}"
graph="${args[1]:-$DEFAULT_GRAPH}"

[[ "$loaders" =~ ^[1-9][0-9]*$ ]] || usage_error "--loaders must be a whole number of at least 1, not '$loaders'"
iri_re="^[A-Za-z][A-Za-z0-9+.-]*:[^'<>\"{}|^\`\\\\[:space:][:cntrl:]]*\$"
[[ "$graph" =~ $iri_re ]] \
  || usage_error "'$graph' is not an absolute IRI without quotes, spaces, <, >, {, }, |, ^, \` or backslashes"
[[ "$pattern" != *"'"* && "$pattern" != *\\* ]] || usage_error "the pattern must not hold ' or \\"
[[ "$port" =~ ^[A-Za-z0-9._-]*:?[0-9]+$ ]] || usage_error "--port must be HOST:PORT or PORT, not '$port'"

[ -e "$path" ] || die "$path: no such file or folder"
if [ -d "$path" ]; then
  dir="$(cd "$path" && pwd -P)"
else
  dir="$(cd "$(dirname "$path")" && pwd -P)"
  pattern="$(basename "$path")"
fi
[[ "$dir" != *"'"* && "$dir" != *\\* && "$pattern" != *"'"* ]] || die "$dir: paths with ' or \\ cannot be passed to the loader"
shopt -s nullglob
# shellcheck disable=SC2206  # the glob is meant to expand here
matches=("$dir"/$pattern)
shopt -u nullglob
[ ${#matches[@]} -gt 0 ] || die "no file in $dir matches $pattern"

if [ -z "$isql" ]; then
  if command -v isql-vt >/dev/null 2>&1; then isql=isql-vt
  elif command -v isql >/dev/null 2>&1; then isql=isql
  else die "isql-vt not found; install it with: apt-get install virtuoso-opensource"
  fi
fi
command -v "$isql" >/dev/null 2>&1 || die "$isql: program not found"

user="${KG_ENDPOINT_USER:-dba}"
password="${KG_ENDPOINT_PASSWORD-}"
if [ -z "${KG_ENDPOINT_PASSWORD+set}" ]; then
  [ -t 0 ] || die "set KG_ENDPOINT_PASSWORD (or run in a terminal to be asked for it)"
  read -rs -p "Virtuoso password for $user: " password; echo >&2
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# Run one SQL file through isql; fail with its errors if any statement failed
# (isql itself exits 0 after failed statements, printing "*** Error" on stderr).
run_sql() {
  local sql="$1" log="$2"
  if ! "$isql" "$port" "$user" "$password" "$sql" >"$log.out" 2>"$log.err"; then
    cat "$log.out" "$log.err" >&2
    die "$isql failed (is Virtuoso running with its SQL port at $port?)"
  fi
  if grep -q '\*\*\* Error' "$log.err" "$log.out"; then
    grep -h -A3 '\*\*\* Error' "$log.err" "$log.out" >&2 || true
    return 1
  fi
}

sql_graph="${graph//\'/\'\'}"
{
  if [ "$replace" = 1 ]; then
    echo "log_enable(3, 1);"
    echo "DELETE FROM DB.DBA.RDF_QUAD WHERE G = iri_to_id('$sql_graph');"
  fi
  # ld_dir() skips files it has registered before: forget earlier loads of these files
  echo "DELETE FROM DB.DBA.load_list WHERE ll_graph = '$sql_graph' AND ll_file LIKE '$dir/%';"
  echo "ld_dir('$dir', '$pattern', '$sql_graph');"
} >"$work/register.sql"
echo "rdf_loader_run();" >"$work/load.sql"
cat >"$work/finish.sql" <<EOF
checkpoint;
SELECT signal('KGBL1', 'not loaded: ' || ll_file || ': ' || ll_error)
  FROM DB.DBA.load_list WHERE ll_graph = '$sql_graph' AND ll_error IS NOT NULL;
SPARQL SELECT COUNT(*) FROM <$graph> WHERE { ?s ?p ?o };
EOF

what="replacing"; [ "$replace" = 1 ] || what="adding to"
echo "virtuoso_bulk_load: $what <$graph> with ${#matches[@]} file(s) from $dir ($pattern), $loaders loader(s)" >&2
run_sql "$work/register.sql" "$work/register" || die "registering the files failed"

pids=()
for i in $(seq 1 "$loaders"); do
  run_sql "$work/load.sql" "$work/load$i" & pids+=($!)
done
failed=0
for pid in "${pids[@]}"; do wait "$pid" || failed=1; done
[ "$failed" = 0 ] || die "rdf_loader_run() failed"

run_sql "$work/finish.sql" "$work/finish" || die "the load failed; the graph may be incomplete"
count="$(grep -E '^[0-9]+$' "$work/finish.out" | tail -n 1 || true)"
echo "virtuoso_bulk_load: <$graph> now holds ${count:-?} triples" >&2
