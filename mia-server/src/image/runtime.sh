#!/usr/bin/env bash
# Lays out the image's operating-system part in OUT_DIR, for Jib to add to a `scratch` image as an
# extra directory: no base image is pulled, since no container registry is reachable where Mia is
# built, and nothing is downloaded here either.
#
#   runtime.sh JDK_HOME MODULES OUT_DIR
#
# - OUT_DIR/opt/java: a Java runtime made by jlink from JDK_HOME's jmods, with only MODULES, so
#   the image runs the very JDK build the classes were compiled and tested with.
# - The shared libraries that runtime loads (found with ldd), plus glibc's compatibility libraries
#   that JNI libraries built against an older glibc link to (Netty's native epoll needs libdl and
#   librt) and its NSS/resolver libraries; each copied from this machine to the same path, so the
#   loader finds them in its default directories with no ld.so.cache. On glibc 2.34 and later the
#   NSS "files" and "dns" code is inside libc.so.6, and /etc/nsswitch.conf (in src/main/jib) asks
#   for exactly those.
# - The C.UTF-8 locale (libc-bin's), so that with LANG=C.UTF-8 the JVM's default charset and file
#   names are UTF-8 rather than ASCII (JDK 17 takes them from the locale).
# - Empty /tmp (the JVM's and Netty's native-library scratch) and /data (the volume).
#
# jlink takes most of the time, so the result is kept until the JDK, the module list, this script
# or (on Debian) the packages of the copied libraries change: a stamp file says which were used.
set -euo pipefail

jdk="${1:?JDK_HOME}"
modules="${2:?MODULES}"
out="${3:?OUT_DIR}"

stamp="$(
  cat "$jdk/release" 2>/dev/null
  echo "$modules"
  sha256sum "${BASH_SOURCE[0]}" | cut -d' ' -f1
  dpkg-query -W libc6 libc-bin zlib1g libstdc++6 libgcc-s1 2>/dev/null || true
)"
if [[ -f "$out.stamp" && "$(cat "$out.stamp")" == "$stamp" ]]; then
  echo "[INFO] image runtime in $out is up to date"
  exit 0
fi

if [[ ! -d "$jdk/jmods" ]]; then
  echo "[ERROR] $jdk/jmods is missing: jlink needs a full JDK (on Debian: openjdk-17-jdk-headless)" >&2
  exit 1
fi

rm -rf "$out"
mkdir -p "$out/opt"
"$jdk/bin/jlink" --module-path "$jdk/jmods" --add-modules "$modules" \
  --strip-debug --no-man-pages --no-header-files --output "$out/opt/java"

# Every ELF file of the runtime, as ldd sees it: "name => /path (addr)" or "/path (addr)" for the
# program interpreter. Libraries of the runtime itself resolve through its RPATH; skip them.
declare -A libs=()
add_deps() {
  local line path
  while read -r line; do
    case "$line" in
      *"=> not found"*) continue ;; # libjvm.so, found through the runtime's own RPATH at run time
      *"=> /"*) path="${line#*=> }" ;;
      /*) path="$line" ;;
      *) continue ;;
    esac
    path="${path%% (*}"
    [[ "$path" == "$out"/* ]] || libs["$path"]=1
  done < <(ldd "$1" 2>/dev/null || true)
}
while IFS= read -r -d '' f; do
  if [[ "$(head -c 4 "$f" | od -An -c | tr -d ' ')" == '177ELF' ]]; then
    add_deps "$f"
  fi
done < <(find "$out/opt/java" -type f -print0)

libc=""
for l in "${!libs[@]}"; do
  if [[ "$(basename "$l")" == libc.so.6 ]]; then libc="$l"; fi
done
if [[ -z "$libc" ]]; then
  echo "[ERROR] ldd found no libc.so.6 for $out/opt/java/bin/java" >&2
  exit 1
fi
for name in libdl.so.2 librt.so.1 libpthread.so.0 libm.so.6 libutil.so.1 libresolv.so.2 \
  libnss_files.so.2 libnss_dns.so.2; do
  if [[ -e "$(dirname "$libc")/$name" ]]; then
    libs["$(dirname "$libc")/$name"]=1
    add_deps "$(dirname "$libc")/$name"
  fi
done

for l in "${!libs[@]}"; do
  mkdir -p "$out$(dirname "$l")"
  cp -L "$l" "$out$l"
done

if [[ -d /usr/lib/locale/C.utf8 ]]; then
  mkdir -p "$out/usr/lib/locale"
  cp -r /usr/lib/locale/C.utf8 "$out/usr/lib/locale/"
else
  echo "[WARNING] /usr/lib/locale/C.utf8 is missing: the image's JVM will default to ASCII" >&2
fi

mkdir -p "$out/tmp" "$out/data"
echo "$stamp" >"$out.stamp"
echo "[INFO] image runtime in $out: $(du -sh "$out" | cut -f1), libraries: $(printf '%s ' "${!libs[@]}" | tr ' ' '\n' | sort | xargs -n1 basename | xargs)"
