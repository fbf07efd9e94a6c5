#include "openrad/app/VtkView.h"

#include <QElapsedTimer>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QOpenGLContext>
#include <QSurfaceFormat>
#include <QOpenGLExtraFunctions>
#include <QWheelEvent>

#include <vtkCallbackCommand.h>
#include <vtkCommand.h>
#include <vtkGenericOpenGLRenderWindow.h>
#include <vtkGenericRenderWindowInteractor.h>
#include <vtkInteractorStyleTrackballCamera.h>
#include <vtkOpenGLState.h>
#include <vtkRenderer.h>

namespace openrad::app {

void setVtkDefaultSurfaceFormat() {
  QSurfaceFormat format;
  format.setRenderableType(QSurfaceFormat::OpenGL);
  format.setVersion(3, 2);
  format.setProfile(QSurfaceFormat::CoreProfile);
  format.setDepthBufferSize(24);
  format.setStencilBufferSize(8);
  format.setSamples(0);
  QSurfaceFormat::setDefaultFormat(format);
}

VtkView::VtkView(QWidget* parent) : QOpenGLWidget(parent) {
  m_renderWindow = vtkSmartPointer<vtkGenericOpenGLRenderWindow>::New();
  // VTK must never draw outside paintGL: Qt owns the context and the framebuffer.
  m_renderWindow->SetReadyForRendering(false);
  m_renderWindow->SetMultiSamples(0);
  m_renderer = vtkSmartPointer<vtkRenderer>::New();
  m_renderer->SetBackground(0.06, 0.06, 0.08);
  m_renderWindow->AddRenderer(m_renderer);

  m_interactor = vtkSmartPointer<vtkGenericRenderWindowInteractor>::New();
  m_interactor->SetRenderWindow(m_renderWindow);
  auto style = vtkSmartPointer<vtkInteractorStyleTrackballCamera>::New();
  m_interactor->SetInteractorStyle(style);
  // Interaction asks for renders through the interactor; turn those into update() requests.
  m_interactor->EnableRenderOff();

  auto callback = vtkSmartPointer<vtkCallbackCommand>::New();
  callback->SetCallback(&VtkView::onVtkEvent);
  callback->SetClientData(this);
  m_renderWindow->AddObserver(vtkCommand::WindowMakeCurrentEvent, callback);
  m_renderWindow->AddObserver(vtkCommand::WindowIsCurrentEvent, callback);
  m_renderWindow->AddObserver(vtkCommand::WindowFrameEvent, callback);
  m_interactor->AddObserver(vtkCommand::RenderEvent, callback);

  setFocusPolicy(Qt::StrongFocus);
  setMouseTracking(false);
  setMinimumSize(120, 120);
}

VtkView::~VtkView() {
  makeCurrent();
  releaseGl();
  doneCurrent();
  m_renderWindow->RemoveAllObservers();
  m_interactor->RemoveAllObservers();
}

vtkRenderer* VtkView::renderer() const { return m_renderer; }

vtkGenericOpenGLRenderWindow* VtkView::renderWindow() const { return m_renderWindow; }

vtkGenericRenderWindowInteractor* VtkView::interactor() const { return m_interactor; }

void VtkView::onVtkEvent(vtkObject*, unsigned long eventId, void* clientData, void* callData) {
  auto* self = static_cast<VtkView*>(clientData);
  switch (eventId) {
    case vtkCommand::WindowMakeCurrentEvent: {
      // The bare context, not QOpenGLWidget::makeCurrent(): that one also rebinds the widget's
      // framebuffer behind VTK's state cache, and VTK then draws into (and re-attaches) Qt's FBO.
      QOpenGLContext* context = self->context();
      if (self->m_glReady && context && QOpenGLContext::currentContext() != context)
        context->makeCurrent(self->m_surface);
      break;
    }
    case vtkCommand::WindowIsCurrentEvent: {
      bool& current = *static_cast<bool*>(callData);
      QOpenGLContext* context = QOpenGLContext::currentContext();
      current = self->m_glReady && context != nullptr && context == self->context();
      break;
    }
    case vtkCommand::WindowFrameEvent:
      // A frame finished outside paintGL (should not happen): show it on the next paint.
      if (!self->m_inPaint) self->update();
      break;
    case vtkCommand::RenderEvent:
      if (!self->m_inPaint) self->update();
      break;
    default:
      break;
  }
}

void VtkView::initializeGL() {
  m_renderWindow->SetOwnContext(false);
  m_renderWindow->SetForceMaximumHardwareLineWidth(1);
  m_renderWindow->SetFrameBlitModeToNoBlit();  // paintGL blits into Qt's framebuffer itself
  m_renderWindow->SetMapped(1);
  m_renderWindow->SetIsDirect(1);
  m_renderWindow->SetReadyForRendering(true);
  m_renderWindow->OpenGLInitContext();
  m_renderWindow->SetReadyForRendering(false);
  m_surface = context()->surface();
  m_glReady = true;
  connect(context(), &QOpenGLContext::aboutToBeDestroyed, this, [this] {
    makeCurrent();
    releaseGl();
    doneCurrent();
  }, Qt::DirectConnection);
  const qreal ratio = devicePixelRatioF();
  m_interactor->UpdateSize(static_cast<int>(width() * ratio), static_cast<int>(height() * ratio));
  m_interactor->Initialize();
  const auto* rendererName = reinterpret_cast<const char*>(context()->functions()->glGetString(GL_RENDERER));
  const QString renderer = QString::fromLatin1(rendererName ? rendererName : "").toLower();
  m_softwareGl = renderer.contains("llvmpipe") || renderer.contains("softpipe") || renderer.contains("swrast") ||
                 renderer.contains("swiftshader");
  glReady();
}

void VtkView::releaseGl() {
  if (!m_glReady) return;
  m_renderWindow->SetReadyForRendering(true);
  m_renderWindow->ReleaseGraphicsResources(m_renderWindow);
  m_renderWindow->SetReadyForRendering(false);
  m_glReady = false;
}

void VtkView::resizeGL(int width, int height) {
  const qreal ratio = devicePixelRatioF();
  m_interactor->UpdateSize(static_cast<int>(width * ratio), static_cast<int>(height * ratio));
}

void VtkView::paintGL() {
  if (!m_glReady) return;
  m_inPaint = true;
  const qreal ratio = devicePixelRatioF();
  const int w = static_cast<int>(width() * ratio);
  const int h = static_cast<int>(height() * ratio);
  if (m_renderWindow->GetSize()[0] != w || m_renderWindow->GetSize()[1] != h) m_interactor->UpdateSize(w, h);

  // Qt changed GL state behind VTK's cache since the last frame.
  vtkOpenGLState* state = m_renderWindow->GetState();
  state->Reset();
  state->Push();
  m_renderWindow->SetReadyForRendering(true);
  QElapsedTimer timer;
  timer.start();
  m_renderWindow->Render();
  ++m_frames;
  const qint64 renderMs = timer.elapsed();

  // Copy VTK's display framebuffer into the widget's framebuffer object.
  makeCurrent();
  QOpenGLExtraFunctions* f = context()->extraFunctions();
  f->glBindFramebuffer(GL_DRAW_FRAMEBUFFER, defaultFramebufferObject());
  const GLenum buffers[1] = {GL_COLOR_ATTACHMENT0};
  f->glDrawBuffers(1, buffers);
  const GLboolean scissor = f->glIsEnabled(GL_SCISSOR_TEST);
  if (scissor) {
    state->vtkglDisable(GL_SCISSOR_TEST);
    f->glDisable(GL_SCISSOR_TEST);
  }
  m_renderWindow->BlitDisplayFramebuffer(0, 0, 0, w, h, 0, 0, w, h, GL_COLOR_BUFFER_BIT, GL_NEAREST);
  // Opaque alpha, or the compositor (Mesa) blends the view with what is behind the window.
  f->glColorMask(GL_FALSE, GL_FALSE, GL_FALSE, GL_TRUE);
  f->glClearColor(0.f, 0.f, 0.f, 1.f);
  f->glClear(GL_COLOR_BUFFER_BIT);
  f->glColorMask(GL_TRUE, GL_TRUE, GL_TRUE, GL_TRUE);
  if (scissor) {
    state->vtkglEnable(GL_SCISSOR_TEST);
    f->glEnable(GL_SCISSOR_TEST);
  }
  // Diagnostics for headless CI (Mesa): frame size, render time and any GL error.
  if (qEnvironmentVariableIsSet("OPENRAD_VTK_DEBUG"))
    qInfo("VtkView frame %d: %dx%d, %lld ms, GL error 0x%x", m_frames, w, h, renderMs, f->glGetError());
  m_renderWindow->SetReadyForRendering(false);
  state->Pop();
  m_inPaint = false;
}

void VtkView::setEventPosition(const QPointF& position, Qt::KeyboardModifiers modifiers, int repeat) {
  const qreal ratio = devicePixelRatioF();
  m_interactor->SetEventInformationFlipY(static_cast<int>(position.x() * ratio),
                                         static_cast<int>(position.y() * ratio),
                                         (modifiers & Qt::ControlModifier) ? 1 : 0,
                                         (modifiers & Qt::ShiftModifier) ? 1 : 0, 0, repeat);
  m_interactor->SetAltKey((modifiers & Qt::AltModifier) ? 1 : 0);
}

void VtkView::mousePressEvent(QMouseEvent* event) {
  setEventPosition(event->position(), event->modifiers());
  switch (event->button()) {
    case Qt::LeftButton: m_interactor->InvokeEvent(vtkCommand::LeftButtonPressEvent); break;
    case Qt::MiddleButton: m_interactor->InvokeEvent(vtkCommand::MiddleButtonPressEvent); break;
    case Qt::RightButton: m_interactor->InvokeEvent(vtkCommand::RightButtonPressEvent); break;
    default: break;
  }
  event->accept();
}

void VtkView::mouseDoubleClickEvent(QMouseEvent* event) {
  setEventPosition(event->position(), event->modifiers(), 1);
  if (event->button() == Qt::LeftButton) m_interactor->InvokeEvent(vtkCommand::LeftButtonPressEvent);
  event->accept();
}

void VtkView::mouseMoveEvent(QMouseEvent* event) {
  setEventPosition(event->position(), event->modifiers());
  m_interactor->InvokeEvent(vtkCommand::MouseMoveEvent);
  event->accept();
}

void VtkView::mouseReleaseEvent(QMouseEvent* event) {
  setEventPosition(event->position(), event->modifiers());
  switch (event->button()) {
    case Qt::LeftButton: m_interactor->InvokeEvent(vtkCommand::LeftButtonReleaseEvent); break;
    case Qt::MiddleButton: m_interactor->InvokeEvent(vtkCommand::MiddleButtonReleaseEvent); break;
    case Qt::RightButton: m_interactor->InvokeEvent(vtkCommand::RightButtonReleaseEvent); break;
    default: break;
  }
  event->accept();
}

void VtkView::wheelEvent(QWheelEvent* event) {
  setEventPosition(event->position(), event->modifiers());
  const int delta = event->angleDelta().y();
  if (delta > 0) m_interactor->InvokeEvent(vtkCommand::MouseWheelForwardEvent);
  else if (delta < 0) m_interactor->InvokeEvent(vtkCommand::MouseWheelBackwardEvent);
  event->accept();
}

void VtkView::forwardKey(QKeyEvent* event, bool press) {
  const QPointF position = mapFromGlobal(QCursor::pos());
  setEventPosition(position, event->modifiers(), event->isAutoRepeat() ? 1 : 0);
  const QString text = event->text();
  const char code = text.isEmpty() ? '\0' : text.at(0).toLatin1();
  QByteArray keySym;
  switch (event->key()) {
    case Qt::Key_Up: keySym = "Up"; break;
    case Qt::Key_Down: keySym = "Down"; break;
    case Qt::Key_Left: keySym = "Left"; break;
    case Qt::Key_Right: keySym = "Right"; break;
    default: keySym = text.toLatin1(); break;
  }
  m_interactor->SetKeyCode(code);
  m_interactor->SetKeySym(keySym.isEmpty() ? nullptr : keySym.constData());
  if (press) {
    m_interactor->InvokeEvent(vtkCommand::KeyPressEvent);
    // The default style quits/stereo-toggles on some characters; only pass the harmless ones.
    if (code == 'r' || code == 'R' || code == 'w' || code == 's') m_interactor->InvokeEvent(vtkCommand::CharEvent);
  } else {
    m_interactor->InvokeEvent(vtkCommand::KeyReleaseEvent);
  }
}

void VtkView::keyPressEvent(QKeyEvent* event) {
  forwardKey(event, true);
  event->accept();
}

void VtkView::keyReleaseEvent(QKeyEvent* event) {
  forwardKey(event, false);
  event->accept();
}

void VtkView::enterEvent(QEnterEvent* event) {
  m_interactor->InvokeEvent(vtkCommand::EnterEvent);
  QOpenGLWidget::enterEvent(event);
}

void VtkView::leaveEvent(QEvent* event) {
  m_interactor->InvokeEvent(vtkCommand::LeaveEvent);
  QOpenGLWidget::leaveEvent(event);
}

}  // namespace openrad::app
