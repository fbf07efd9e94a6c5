#pragma once

#include <QOpenGLWidget>

#include <vtkSmartPointer.h>

class vtkGenericOpenGLRenderWindow;
class vtkGenericRenderWindowInteractor;
class vtkRenderer;
class vtkObject;
class QSurface;

namespace openrad::app {

/// Sets the default OpenGL surface format VTK needs (3.2 core, depth 24, stencil 8, no MSAA).
/// Call before the QApplication exists.
void setVtkDefaultSurfaceFormat();

/// A QOpenGLWidget hosting a vtkGenericOpenGLRenderWindow (VTK's Qt module is Qt5-only on Debian).
/// VTK renders only inside paintGL; everything else (interaction, scene changes) calls update().
class VtkView : public QOpenGLWidget {
  Q_OBJECT

public:
  /// Creates the render window, one renderer and a trackball-camera interactor.
  explicit VtkView(QWidget* parent = nullptr);
  ~VtkView() override;

  /// The renderer that scenes add their props to.
  vtkRenderer* renderer() const;
  /// The render window (do not call Render() on it: call update()).
  vtkGenericOpenGLRenderWindow* renderWindow() const;
  /// The interactor that receives the forwarded Qt events.
  vtkGenericRenderWindowInteractor* interactor() const;
  /// True when the OpenGL implementation renders in software (Mesa llvmpipe/softpipe, SwiftShader);
  /// known after the first initializeGL.
  bool softwareOpenGl() const { return m_softwareGl; }
  /// Number of frames VTK rendered so far (for tests).
  int frameCount() const { return m_frames; }

protected:
  /// Called once the GL context exists (subclasses adapt to the implementation).
  virtual void glReady() {}

  void initializeGL() override;
  void resizeGL(int width, int height) override;
  void paintGL() override;
  void mousePressEvent(QMouseEvent* event) override;
  void mouseMoveEvent(QMouseEvent* event) override;
  void mouseReleaseEvent(QMouseEvent* event) override;
  void mouseDoubleClickEvent(QMouseEvent* event) override;
  void wheelEvent(QWheelEvent* event) override;
  void keyPressEvent(QKeyEvent* event) override;
  void keyReleaseEvent(QKeyEvent* event) override;
  void enterEvent(QEnterEvent* event) override;
  void leaveEvent(QEvent* event) override;

private:
  static void onVtkEvent(vtkObject* caller, unsigned long eventId, void* clientData, void* callData);
  void releaseGl();
  void setEventPosition(const QPointF& position, Qt::KeyboardModifiers modifiers, int repeat = 0);
  void forwardKey(QKeyEvent* event, bool press);

  vtkSmartPointer<vtkGenericOpenGLRenderWindow> m_renderWindow;
  vtkSmartPointer<vtkGenericRenderWindowInteractor> m_interactor;
  vtkSmartPointer<vtkRenderer> m_renderer;
  QSurface* m_surface = nullptr;  ///< the surface Qt made the context current with
  bool m_softwareGl = false;
  bool m_inPaint = false;
  bool m_glReady = false;
  int m_frames = 0;
};

}  // namespace openrad::app
