#pragma once

class QApplication;

namespace openrad::app {

/// Fusion style with a dark palette (reading rooms are dim; a bright UI around images tires eyes).
void applyDarkTheme(QApplication& application);

}  // namespace openrad::app
