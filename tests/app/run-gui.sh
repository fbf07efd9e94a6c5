#!/bin/sh
# Runs a GUI test binary under its own Xvfb server (the OpenGL 3D view needs an X display). Where Xvfb cannot
# start it falls back to Qt's offscreen platform (the 3D checks then skip) — except on CI, where the set-up
# installs Xvfb, so that is a failure.
XVFB="-screen 0 1600x1000x24"
if xvfb-run -a -s "$XVFB" true >/dev/null 2>&1; then
  QT_QPA_PLATFORM=xcb exec xvfb-run -a -s "$XVFB" "$@"
fi
if [ "${CI:-}" = "true" ]; then
  echo "Xvfb cannot start on CI: the set-up must install xvfb and xauth" >&2
  exit 1
fi
echo "Xvfb unavailable: running offscreen" >&2
QT_QPA_PLATFORM=offscreen exec "$@"
