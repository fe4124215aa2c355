package dev.herald.v1;

import static io.grpc.MethodDescriptor.generateFullMethodName;

/**
 * <pre>
 * Message templates with per-channel parts, rendered with a sandboxed Jinja2.
 * Besides the codes each RPC lists, any call may end RESOURCE_EXHAUSTED
 * (RATE_LIMITED, with HERALD_CALLER_RATE_LIMIT), DEADLINE_EXCEEDED (the call's
 * deadline or HERALD_MAX_CALL_SECONDS), INVALID_ARGUMENT (MALFORMED_REQUEST: the
 * request does not parse) or UNAVAILABLE (STORE_UNAVAILABLE).
 * </pre>
 */
@io.grpc.stub.annotations.GrpcGenerated
public final class TemplateServiceGrpc {

  private TemplateServiceGrpc() {}

  public static final java.lang.String SERVICE_NAME = "herald.v1.TemplateService";

  // Static method descriptors that strictly reflect the proto.
  private static volatile io.grpc.MethodDescriptor<dev.herald.v1.CreateTemplateRequest,
      dev.herald.v1.CreateTemplateResponse> getCreateTemplateMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "CreateTemplate",
      requestType = dev.herald.v1.CreateTemplateRequest.class,
      responseType = dev.herald.v1.CreateTemplateResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.herald.v1.CreateTemplateRequest,
      dev.herald.v1.CreateTemplateResponse> getCreateTemplateMethod() {
    io.grpc.MethodDescriptor<dev.herald.v1.CreateTemplateRequest, dev.herald.v1.CreateTemplateResponse> getCreateTemplateMethod;
    if ((getCreateTemplateMethod = TemplateServiceGrpc.getCreateTemplateMethod) == null) {
      synchronized (TemplateServiceGrpc.class) {
        if ((getCreateTemplateMethod = TemplateServiceGrpc.getCreateTemplateMethod) == null) {
          TemplateServiceGrpc.getCreateTemplateMethod = getCreateTemplateMethod =
              io.grpc.MethodDescriptor.<dev.herald.v1.CreateTemplateRequest, dev.herald.v1.CreateTemplateResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "CreateTemplate"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.herald.v1.CreateTemplateRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.herald.v1.CreateTemplateResponse.getDefaultInstance()))
              .setSchemaDescriptor(new TemplateServiceMethodDescriptorSupplier("CreateTemplate"))
              .build();
        }
      }
    }
    return getCreateTemplateMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.herald.v1.GetTemplateRequest,
      dev.herald.v1.GetTemplateResponse> getGetTemplateMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "GetTemplate",
      requestType = dev.herald.v1.GetTemplateRequest.class,
      responseType = dev.herald.v1.GetTemplateResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.herald.v1.GetTemplateRequest,
      dev.herald.v1.GetTemplateResponse> getGetTemplateMethod() {
    io.grpc.MethodDescriptor<dev.herald.v1.GetTemplateRequest, dev.herald.v1.GetTemplateResponse> getGetTemplateMethod;
    if ((getGetTemplateMethod = TemplateServiceGrpc.getGetTemplateMethod) == null) {
      synchronized (TemplateServiceGrpc.class) {
        if ((getGetTemplateMethod = TemplateServiceGrpc.getGetTemplateMethod) == null) {
          TemplateServiceGrpc.getGetTemplateMethod = getGetTemplateMethod =
              io.grpc.MethodDescriptor.<dev.herald.v1.GetTemplateRequest, dev.herald.v1.GetTemplateResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "GetTemplate"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.herald.v1.GetTemplateRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.herald.v1.GetTemplateResponse.getDefaultInstance()))
              .setSchemaDescriptor(new TemplateServiceMethodDescriptorSupplier("GetTemplate"))
              .build();
        }
      }
    }
    return getGetTemplateMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.herald.v1.UpdateTemplateRequest,
      dev.herald.v1.UpdateTemplateResponse> getUpdateTemplateMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "UpdateTemplate",
      requestType = dev.herald.v1.UpdateTemplateRequest.class,
      responseType = dev.herald.v1.UpdateTemplateResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.herald.v1.UpdateTemplateRequest,
      dev.herald.v1.UpdateTemplateResponse> getUpdateTemplateMethod() {
    io.grpc.MethodDescriptor<dev.herald.v1.UpdateTemplateRequest, dev.herald.v1.UpdateTemplateResponse> getUpdateTemplateMethod;
    if ((getUpdateTemplateMethod = TemplateServiceGrpc.getUpdateTemplateMethod) == null) {
      synchronized (TemplateServiceGrpc.class) {
        if ((getUpdateTemplateMethod = TemplateServiceGrpc.getUpdateTemplateMethod) == null) {
          TemplateServiceGrpc.getUpdateTemplateMethod = getUpdateTemplateMethod =
              io.grpc.MethodDescriptor.<dev.herald.v1.UpdateTemplateRequest, dev.herald.v1.UpdateTemplateResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "UpdateTemplate"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.herald.v1.UpdateTemplateRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.herald.v1.UpdateTemplateResponse.getDefaultInstance()))
              .setSchemaDescriptor(new TemplateServiceMethodDescriptorSupplier("UpdateTemplate"))
              .build();
        }
      }
    }
    return getUpdateTemplateMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.herald.v1.DeleteTemplateRequest,
      dev.herald.v1.DeleteTemplateResponse> getDeleteTemplateMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "DeleteTemplate",
      requestType = dev.herald.v1.DeleteTemplateRequest.class,
      responseType = dev.herald.v1.DeleteTemplateResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.herald.v1.DeleteTemplateRequest,
      dev.herald.v1.DeleteTemplateResponse> getDeleteTemplateMethod() {
    io.grpc.MethodDescriptor<dev.herald.v1.DeleteTemplateRequest, dev.herald.v1.DeleteTemplateResponse> getDeleteTemplateMethod;
    if ((getDeleteTemplateMethod = TemplateServiceGrpc.getDeleteTemplateMethod) == null) {
      synchronized (TemplateServiceGrpc.class) {
        if ((getDeleteTemplateMethod = TemplateServiceGrpc.getDeleteTemplateMethod) == null) {
          TemplateServiceGrpc.getDeleteTemplateMethod = getDeleteTemplateMethod =
              io.grpc.MethodDescriptor.<dev.herald.v1.DeleteTemplateRequest, dev.herald.v1.DeleteTemplateResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "DeleteTemplate"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.herald.v1.DeleteTemplateRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.herald.v1.DeleteTemplateResponse.getDefaultInstance()))
              .setSchemaDescriptor(new TemplateServiceMethodDescriptorSupplier("DeleteTemplate"))
              .build();
        }
      }
    }
    return getDeleteTemplateMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.herald.v1.ListTemplatesRequest,
      dev.herald.v1.ListTemplatesResponse> getListTemplatesMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "ListTemplates",
      requestType = dev.herald.v1.ListTemplatesRequest.class,
      responseType = dev.herald.v1.ListTemplatesResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.herald.v1.ListTemplatesRequest,
      dev.herald.v1.ListTemplatesResponse> getListTemplatesMethod() {
    io.grpc.MethodDescriptor<dev.herald.v1.ListTemplatesRequest, dev.herald.v1.ListTemplatesResponse> getListTemplatesMethod;
    if ((getListTemplatesMethod = TemplateServiceGrpc.getListTemplatesMethod) == null) {
      synchronized (TemplateServiceGrpc.class) {
        if ((getListTemplatesMethod = TemplateServiceGrpc.getListTemplatesMethod) == null) {
          TemplateServiceGrpc.getListTemplatesMethod = getListTemplatesMethod =
              io.grpc.MethodDescriptor.<dev.herald.v1.ListTemplatesRequest, dev.herald.v1.ListTemplatesResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "ListTemplates"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.herald.v1.ListTemplatesRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.herald.v1.ListTemplatesResponse.getDefaultInstance()))
              .setSchemaDescriptor(new TemplateServiceMethodDescriptorSupplier("ListTemplates"))
              .build();
        }
      }
    }
    return getListTemplatesMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.herald.v1.RenderTemplateRequest,
      dev.herald.v1.RenderTemplateResponse> getRenderTemplateMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "RenderTemplate",
      requestType = dev.herald.v1.RenderTemplateRequest.class,
      responseType = dev.herald.v1.RenderTemplateResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.herald.v1.RenderTemplateRequest,
      dev.herald.v1.RenderTemplateResponse> getRenderTemplateMethod() {
    io.grpc.MethodDescriptor<dev.herald.v1.RenderTemplateRequest, dev.herald.v1.RenderTemplateResponse> getRenderTemplateMethod;
    if ((getRenderTemplateMethod = TemplateServiceGrpc.getRenderTemplateMethod) == null) {
      synchronized (TemplateServiceGrpc.class) {
        if ((getRenderTemplateMethod = TemplateServiceGrpc.getRenderTemplateMethod) == null) {
          TemplateServiceGrpc.getRenderTemplateMethod = getRenderTemplateMethod =
              io.grpc.MethodDescriptor.<dev.herald.v1.RenderTemplateRequest, dev.herald.v1.RenderTemplateResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "RenderTemplate"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.herald.v1.RenderTemplateRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.herald.v1.RenderTemplateResponse.getDefaultInstance()))
              .setSchemaDescriptor(new TemplateServiceMethodDescriptorSupplier("RenderTemplate"))
              .build();
        }
      }
    }
    return getRenderTemplateMethod;
  }

  /**
   * Creates a new async stub that supports all call types for the service
   */
  public static TemplateServiceStub newStub(io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<TemplateServiceStub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<TemplateServiceStub>() {
        @java.lang.Override
        public TemplateServiceStub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new TemplateServiceStub(channel, callOptions);
        }
      };
    return TemplateServiceStub.newStub(factory, channel);
  }

  /**
   * Creates a new blocking-style stub that supports all types of calls on the service
   */
  public static TemplateServiceBlockingV2Stub newBlockingV2Stub(
      io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<TemplateServiceBlockingV2Stub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<TemplateServiceBlockingV2Stub>() {
        @java.lang.Override
        public TemplateServiceBlockingV2Stub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new TemplateServiceBlockingV2Stub(channel, callOptions);
        }
      };
    return TemplateServiceBlockingV2Stub.newStub(factory, channel);
  }

  /**
   * Creates a new blocking-style stub that supports unary and streaming output calls on the service
   */
  public static TemplateServiceBlockingStub newBlockingStub(
      io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<TemplateServiceBlockingStub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<TemplateServiceBlockingStub>() {
        @java.lang.Override
        public TemplateServiceBlockingStub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new TemplateServiceBlockingStub(channel, callOptions);
        }
      };
    return TemplateServiceBlockingStub.newStub(factory, channel);
  }

  /**
   * Creates a new ListenableFuture-style stub that supports unary calls on the service
   */
  public static TemplateServiceFutureStub newFutureStub(
      io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<TemplateServiceFutureStub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<TemplateServiceFutureStub>() {
        @java.lang.Override
        public TemplateServiceFutureStub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new TemplateServiceFutureStub(channel, callOptions);
        }
      };
    return TemplateServiceFutureStub.newStub(factory, channel);
  }

  /**
   * <pre>
   * Message templates with per-channel parts, rendered with a sandboxed Jinja2.
   * Besides the codes each RPC lists, any call may end RESOURCE_EXHAUSTED
   * (RATE_LIMITED, with HERALD_CALLER_RATE_LIMIT), DEADLINE_EXCEEDED (the call's
   * deadline or HERALD_MAX_CALL_SECONDS), INVALID_ARGUMENT (MALFORMED_REQUEST: the
   * request does not parse) or UNAVAILABLE (STORE_UNAVAILABLE).
   * </pre>
   */
  public interface AsyncService {

    /**
     * <pre>
     * Stores a template; syntax errors are rejected here, not at send time.
     * Returns OK, INVALID_ARGUMENT (field violations, a syntax error named with
     * its part and line), ALREADY_EXISTS (TEMPLATE_ALREADY_EXISTS: the id is taken;
     * MESSAGE_TYPE_TAKEN: another template serves the message type),
     * UNAUTHENTICATED, PERMISSION_DENIED.
     * </pre>
     */
    default void createTemplate(dev.herald.v1.CreateTemplateRequest request,
        io.grpc.stub.StreamObserver<dev.herald.v1.CreateTemplateResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getCreateTemplateMethod(), responseObserver);
    }

    /**
     * <pre>
     * Returns OK, INVALID_ARGUMENT (id empty or blank), NOT_FOUND,
     * UNAUTHENTICATED, PERMISSION_DENIED.
     * </pre>
     */
    default void getTemplate(dev.herald.v1.GetTemplateRequest request,
        io.grpc.stub.StreamObserver<dev.herald.v1.GetTemplateResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getGetTemplateMethod(), responseObserver);
    }

    /**
     * <pre>
     * Replaces the fields named in update_mask (when empty, the fields the
     * request populates). Returns OK, INVALID_ARGUMENT (template.id empty or
     * blank, an update_mask path that is no updatable field, the merged template
     * invalid), NOT_FOUND, ALREADY_EXISTS (MESSAGE_TYPE_TAKEN: another template
     * serves the message type; CONCURRENT_UPDATE: other writes kept winning, retry),
     * UNAUTHENTICATED, PERMISSION_DENIED.
     * </pre>
     */
    default void updateTemplate(dev.herald.v1.UpdateTemplateRequest request,
        io.grpc.stub.StreamObserver<dev.herald.v1.UpdateTemplateResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getUpdateTemplateMethod(), responseObserver);
    }

    /**
     * <pre>
     * Returns OK, INVALID_ARGUMENT (id empty or blank), NOT_FOUND,
     * UNAUTHENTICATED, PERMISSION_DENIED.
     * </pre>
     */
    default void deleteTemplate(dev.herald.v1.DeleteTemplateRequest request,
        io.grpc.stub.StreamObserver<dev.herald.v1.DeleteTemplateResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getDeleteTemplateMethod(), responseObserver);
    }

    /**
     * <pre>
     * Lists templates (AIP-158). Returns OK, INVALID_ARGUMENT (negative
     * page_size, a page_token this listing did not return), UNAUTHENTICATED,
     * PERMISSION_DENIED.
     * </pre>
     */
    default void listTemplates(dev.herald.v1.ListTemplatesRequest request,
        io.grpc.stub.StreamObserver<dev.herald.v1.ListTemplatesResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getListTemplatesMethod(), responseObserver);
    }

    /**
     * <pre>
     * Renders a stored template with data, without sending anything. A missing
     * variable is INVALID_ARGUMENT naming it. Returns OK, INVALID_ARGUMENT (id
     * empty or blank, a bad locale; TEMPLATE_RENDER_FAILED: a missing variable, a
     * sandbox refusal or a runtime error, on data per part; TEMPLATE_TOO_EXPENSIVE:
     * too many steps or too much text), NOT_FOUND, UNAUTHENTICATED,
     * PERMISSION_DENIED.
     * </pre>
     */
    default void renderTemplate(dev.herald.v1.RenderTemplateRequest request,
        io.grpc.stub.StreamObserver<dev.herald.v1.RenderTemplateResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getRenderTemplateMethod(), responseObserver);
    }
  }

  /**
   * Base class for the server implementation of the service TemplateService.
   * <pre>
   * Message templates with per-channel parts, rendered with a sandboxed Jinja2.
   * Besides the codes each RPC lists, any call may end RESOURCE_EXHAUSTED
   * (RATE_LIMITED, with HERALD_CALLER_RATE_LIMIT), DEADLINE_EXCEEDED (the call's
   * deadline or HERALD_MAX_CALL_SECONDS), INVALID_ARGUMENT (MALFORMED_REQUEST: the
   * request does not parse) or UNAVAILABLE (STORE_UNAVAILABLE).
   * </pre>
   */
  public static abstract class TemplateServiceImplBase
      implements io.grpc.BindableService, AsyncService {

    @java.lang.Override public final io.grpc.ServerServiceDefinition bindService() {
      return TemplateServiceGrpc.bindService(this);
    }
  }

  /**
   * A stub to allow clients to do asynchronous rpc calls to service TemplateService.
   * <pre>
   * Message templates with per-channel parts, rendered with a sandboxed Jinja2.
   * Besides the codes each RPC lists, any call may end RESOURCE_EXHAUSTED
   * (RATE_LIMITED, with HERALD_CALLER_RATE_LIMIT), DEADLINE_EXCEEDED (the call's
   * deadline or HERALD_MAX_CALL_SECONDS), INVALID_ARGUMENT (MALFORMED_REQUEST: the
   * request does not parse) or UNAVAILABLE (STORE_UNAVAILABLE).
   * </pre>
   */
  public static final class TemplateServiceStub
      extends io.grpc.stub.AbstractAsyncStub<TemplateServiceStub> {
    private TemplateServiceStub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected TemplateServiceStub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new TemplateServiceStub(channel, callOptions);
    }

    /**
     * <pre>
     * Stores a template; syntax errors are rejected here, not at send time.
     * Returns OK, INVALID_ARGUMENT (field violations, a syntax error named with
     * its part and line), ALREADY_EXISTS (TEMPLATE_ALREADY_EXISTS: the id is taken;
     * MESSAGE_TYPE_TAKEN: another template serves the message type),
     * UNAUTHENTICATED, PERMISSION_DENIED.
     * </pre>
     */
    public void createTemplate(dev.herald.v1.CreateTemplateRequest request,
        io.grpc.stub.StreamObserver<dev.herald.v1.CreateTemplateResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getCreateTemplateMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Returns OK, INVALID_ARGUMENT (id empty or blank), NOT_FOUND,
     * UNAUTHENTICATED, PERMISSION_DENIED.
     * </pre>
     */
    public void getTemplate(dev.herald.v1.GetTemplateRequest request,
        io.grpc.stub.StreamObserver<dev.herald.v1.GetTemplateResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getGetTemplateMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Replaces the fields named in update_mask (when empty, the fields the
     * request populates). Returns OK, INVALID_ARGUMENT (template.id empty or
     * blank, an update_mask path that is no updatable field, the merged template
     * invalid), NOT_FOUND, ALREADY_EXISTS (MESSAGE_TYPE_TAKEN: another template
     * serves the message type; CONCURRENT_UPDATE: other writes kept winning, retry),
     * UNAUTHENTICATED, PERMISSION_DENIED.
     * </pre>
     */
    public void updateTemplate(dev.herald.v1.UpdateTemplateRequest request,
        io.grpc.stub.StreamObserver<dev.herald.v1.UpdateTemplateResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getUpdateTemplateMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Returns OK, INVALID_ARGUMENT (id empty or blank), NOT_FOUND,
     * UNAUTHENTICATED, PERMISSION_DENIED.
     * </pre>
     */
    public void deleteTemplate(dev.herald.v1.DeleteTemplateRequest request,
        io.grpc.stub.StreamObserver<dev.herald.v1.DeleteTemplateResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getDeleteTemplateMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Lists templates (AIP-158). Returns OK, INVALID_ARGUMENT (negative
     * page_size, a page_token this listing did not return), UNAUTHENTICATED,
     * PERMISSION_DENIED.
     * </pre>
     */
    public void listTemplates(dev.herald.v1.ListTemplatesRequest request,
        io.grpc.stub.StreamObserver<dev.herald.v1.ListTemplatesResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getListTemplatesMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Renders a stored template with data, without sending anything. A missing
     * variable is INVALID_ARGUMENT naming it. Returns OK, INVALID_ARGUMENT (id
     * empty or blank, a bad locale; TEMPLATE_RENDER_FAILED: a missing variable, a
     * sandbox refusal or a runtime error, on data per part; TEMPLATE_TOO_EXPENSIVE:
     * too many steps or too much text), NOT_FOUND, UNAUTHENTICATED,
     * PERMISSION_DENIED.
     * </pre>
     */
    public void renderTemplate(dev.herald.v1.RenderTemplateRequest request,
        io.grpc.stub.StreamObserver<dev.herald.v1.RenderTemplateResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getRenderTemplateMethod(), getCallOptions()), request, responseObserver);
    }
  }

  /**
   * A stub to allow clients to do synchronous rpc calls to service TemplateService.
   * <pre>
   * Message templates with per-channel parts, rendered with a sandboxed Jinja2.
   * Besides the codes each RPC lists, any call may end RESOURCE_EXHAUSTED
   * (RATE_LIMITED, with HERALD_CALLER_RATE_LIMIT), DEADLINE_EXCEEDED (the call's
   * deadline or HERALD_MAX_CALL_SECONDS), INVALID_ARGUMENT (MALFORMED_REQUEST: the
   * request does not parse) or UNAVAILABLE (STORE_UNAVAILABLE).
   * </pre>
   */
  public static final class TemplateServiceBlockingV2Stub
      extends io.grpc.stub.AbstractBlockingStub<TemplateServiceBlockingV2Stub> {
    private TemplateServiceBlockingV2Stub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected TemplateServiceBlockingV2Stub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new TemplateServiceBlockingV2Stub(channel, callOptions);
    }

    /**
     * <pre>
     * Stores a template; syntax errors are rejected here, not at send time.
     * Returns OK, INVALID_ARGUMENT (field violations, a syntax error named with
     * its part and line), ALREADY_EXISTS (TEMPLATE_ALREADY_EXISTS: the id is taken;
     * MESSAGE_TYPE_TAKEN: another template serves the message type),
     * UNAUTHENTICATED, PERMISSION_DENIED.
     * </pre>
     */
    public dev.herald.v1.CreateTemplateResponse createTemplate(dev.herald.v1.CreateTemplateRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getCreateTemplateMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Returns OK, INVALID_ARGUMENT (id empty or blank), NOT_FOUND,
     * UNAUTHENTICATED, PERMISSION_DENIED.
     * </pre>
     */
    public dev.herald.v1.GetTemplateResponse getTemplate(dev.herald.v1.GetTemplateRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getGetTemplateMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Replaces the fields named in update_mask (when empty, the fields the
     * request populates). Returns OK, INVALID_ARGUMENT (template.id empty or
     * blank, an update_mask path that is no updatable field, the merged template
     * invalid), NOT_FOUND, ALREADY_EXISTS (MESSAGE_TYPE_TAKEN: another template
     * serves the message type; CONCURRENT_UPDATE: other writes kept winning, retry),
     * UNAUTHENTICATED, PERMISSION_DENIED.
     * </pre>
     */
    public dev.herald.v1.UpdateTemplateResponse updateTemplate(dev.herald.v1.UpdateTemplateRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getUpdateTemplateMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Returns OK, INVALID_ARGUMENT (id empty or blank), NOT_FOUND,
     * UNAUTHENTICATED, PERMISSION_DENIED.
     * </pre>
     */
    public dev.herald.v1.DeleteTemplateResponse deleteTemplate(dev.herald.v1.DeleteTemplateRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getDeleteTemplateMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Lists templates (AIP-158). Returns OK, INVALID_ARGUMENT (negative
     * page_size, a page_token this listing did not return), UNAUTHENTICATED,
     * PERMISSION_DENIED.
     * </pre>
     */
    public dev.herald.v1.ListTemplatesResponse listTemplates(dev.herald.v1.ListTemplatesRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getListTemplatesMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Renders a stored template with data, without sending anything. A missing
     * variable is INVALID_ARGUMENT naming it. Returns OK, INVALID_ARGUMENT (id
     * empty or blank, a bad locale; TEMPLATE_RENDER_FAILED: a missing variable, a
     * sandbox refusal or a runtime error, on data per part; TEMPLATE_TOO_EXPENSIVE:
     * too many steps or too much text), NOT_FOUND, UNAUTHENTICATED,
     * PERMISSION_DENIED.
     * </pre>
     */
    public dev.herald.v1.RenderTemplateResponse renderTemplate(dev.herald.v1.RenderTemplateRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getRenderTemplateMethod(), getCallOptions(), request);
    }
  }

  /**
   * A stub to allow clients to do limited synchronous rpc calls to service TemplateService.
   * <pre>
   * Message templates with per-channel parts, rendered with a sandboxed Jinja2.
   * Besides the codes each RPC lists, any call may end RESOURCE_EXHAUSTED
   * (RATE_LIMITED, with HERALD_CALLER_RATE_LIMIT), DEADLINE_EXCEEDED (the call's
   * deadline or HERALD_MAX_CALL_SECONDS), INVALID_ARGUMENT (MALFORMED_REQUEST: the
   * request does not parse) or UNAVAILABLE (STORE_UNAVAILABLE).
   * </pre>
   */
  public static final class TemplateServiceBlockingStub
      extends io.grpc.stub.AbstractBlockingStub<TemplateServiceBlockingStub> {
    private TemplateServiceBlockingStub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected TemplateServiceBlockingStub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new TemplateServiceBlockingStub(channel, callOptions);
    }

    /**
     * <pre>
     * Stores a template; syntax errors are rejected here, not at send time.
     * Returns OK, INVALID_ARGUMENT (field violations, a syntax error named with
     * its part and line), ALREADY_EXISTS (TEMPLATE_ALREADY_EXISTS: the id is taken;
     * MESSAGE_TYPE_TAKEN: another template serves the message type),
     * UNAUTHENTICATED, PERMISSION_DENIED.
     * </pre>
     */
    public dev.herald.v1.CreateTemplateResponse createTemplate(dev.herald.v1.CreateTemplateRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getCreateTemplateMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Returns OK, INVALID_ARGUMENT (id empty or blank), NOT_FOUND,
     * UNAUTHENTICATED, PERMISSION_DENIED.
     * </pre>
     */
    public dev.herald.v1.GetTemplateResponse getTemplate(dev.herald.v1.GetTemplateRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getGetTemplateMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Replaces the fields named in update_mask (when empty, the fields the
     * request populates). Returns OK, INVALID_ARGUMENT (template.id empty or
     * blank, an update_mask path that is no updatable field, the merged template
     * invalid), NOT_FOUND, ALREADY_EXISTS (MESSAGE_TYPE_TAKEN: another template
     * serves the message type; CONCURRENT_UPDATE: other writes kept winning, retry),
     * UNAUTHENTICATED, PERMISSION_DENIED.
     * </pre>
     */
    public dev.herald.v1.UpdateTemplateResponse updateTemplate(dev.herald.v1.UpdateTemplateRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getUpdateTemplateMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Returns OK, INVALID_ARGUMENT (id empty or blank), NOT_FOUND,
     * UNAUTHENTICATED, PERMISSION_DENIED.
     * </pre>
     */
    public dev.herald.v1.DeleteTemplateResponse deleteTemplate(dev.herald.v1.DeleteTemplateRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getDeleteTemplateMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Lists templates (AIP-158). Returns OK, INVALID_ARGUMENT (negative
     * page_size, a page_token this listing did not return), UNAUTHENTICATED,
     * PERMISSION_DENIED.
     * </pre>
     */
    public dev.herald.v1.ListTemplatesResponse listTemplates(dev.herald.v1.ListTemplatesRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getListTemplatesMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Renders a stored template with data, without sending anything. A missing
     * variable is INVALID_ARGUMENT naming it. Returns OK, INVALID_ARGUMENT (id
     * empty or blank, a bad locale; TEMPLATE_RENDER_FAILED: a missing variable, a
     * sandbox refusal or a runtime error, on data per part; TEMPLATE_TOO_EXPENSIVE:
     * too many steps or too much text), NOT_FOUND, UNAUTHENTICATED,
     * PERMISSION_DENIED.
     * </pre>
     */
    public dev.herald.v1.RenderTemplateResponse renderTemplate(dev.herald.v1.RenderTemplateRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getRenderTemplateMethod(), getCallOptions(), request);
    }
  }

  /**
   * A stub to allow clients to do ListenableFuture-style rpc calls to service TemplateService.
   * <pre>
   * Message templates with per-channel parts, rendered with a sandboxed Jinja2.
   * Besides the codes each RPC lists, any call may end RESOURCE_EXHAUSTED
   * (RATE_LIMITED, with HERALD_CALLER_RATE_LIMIT), DEADLINE_EXCEEDED (the call's
   * deadline or HERALD_MAX_CALL_SECONDS), INVALID_ARGUMENT (MALFORMED_REQUEST: the
   * request does not parse) or UNAVAILABLE (STORE_UNAVAILABLE).
   * </pre>
   */
  public static final class TemplateServiceFutureStub
      extends io.grpc.stub.AbstractFutureStub<TemplateServiceFutureStub> {
    private TemplateServiceFutureStub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected TemplateServiceFutureStub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new TemplateServiceFutureStub(channel, callOptions);
    }

    /**
     * <pre>
     * Stores a template; syntax errors are rejected here, not at send time.
     * Returns OK, INVALID_ARGUMENT (field violations, a syntax error named with
     * its part and line), ALREADY_EXISTS (TEMPLATE_ALREADY_EXISTS: the id is taken;
     * MESSAGE_TYPE_TAKEN: another template serves the message type),
     * UNAUTHENTICATED, PERMISSION_DENIED.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.herald.v1.CreateTemplateResponse> createTemplate(
        dev.herald.v1.CreateTemplateRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getCreateTemplateMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Returns OK, INVALID_ARGUMENT (id empty or blank), NOT_FOUND,
     * UNAUTHENTICATED, PERMISSION_DENIED.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.herald.v1.GetTemplateResponse> getTemplate(
        dev.herald.v1.GetTemplateRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getGetTemplateMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Replaces the fields named in update_mask (when empty, the fields the
     * request populates). Returns OK, INVALID_ARGUMENT (template.id empty or
     * blank, an update_mask path that is no updatable field, the merged template
     * invalid), NOT_FOUND, ALREADY_EXISTS (MESSAGE_TYPE_TAKEN: another template
     * serves the message type; CONCURRENT_UPDATE: other writes kept winning, retry),
     * UNAUTHENTICATED, PERMISSION_DENIED.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.herald.v1.UpdateTemplateResponse> updateTemplate(
        dev.herald.v1.UpdateTemplateRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getUpdateTemplateMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Returns OK, INVALID_ARGUMENT (id empty or blank), NOT_FOUND,
     * UNAUTHENTICATED, PERMISSION_DENIED.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.herald.v1.DeleteTemplateResponse> deleteTemplate(
        dev.herald.v1.DeleteTemplateRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getDeleteTemplateMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Lists templates (AIP-158). Returns OK, INVALID_ARGUMENT (negative
     * page_size, a page_token this listing did not return), UNAUTHENTICATED,
     * PERMISSION_DENIED.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.herald.v1.ListTemplatesResponse> listTemplates(
        dev.herald.v1.ListTemplatesRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getListTemplatesMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Renders a stored template with data, without sending anything. A missing
     * variable is INVALID_ARGUMENT naming it. Returns OK, INVALID_ARGUMENT (id
     * empty or blank, a bad locale; TEMPLATE_RENDER_FAILED: a missing variable, a
     * sandbox refusal or a runtime error, on data per part; TEMPLATE_TOO_EXPENSIVE:
     * too many steps or too much text), NOT_FOUND, UNAUTHENTICATED,
     * PERMISSION_DENIED.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.herald.v1.RenderTemplateResponse> renderTemplate(
        dev.herald.v1.RenderTemplateRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getRenderTemplateMethod(), getCallOptions()), request);
    }
  }

  private static final int METHODID_CREATE_TEMPLATE = 0;
  private static final int METHODID_GET_TEMPLATE = 1;
  private static final int METHODID_UPDATE_TEMPLATE = 2;
  private static final int METHODID_DELETE_TEMPLATE = 3;
  private static final int METHODID_LIST_TEMPLATES = 4;
  private static final int METHODID_RENDER_TEMPLATE = 5;

  private static final class MethodHandlers<Req, Resp> implements
      io.grpc.stub.ServerCalls.UnaryMethod<Req, Resp>,
      io.grpc.stub.ServerCalls.ServerStreamingMethod<Req, Resp>,
      io.grpc.stub.ServerCalls.ClientStreamingMethod<Req, Resp>,
      io.grpc.stub.ServerCalls.BidiStreamingMethod<Req, Resp> {
    private final AsyncService serviceImpl;
    private final int methodId;

    MethodHandlers(AsyncService serviceImpl, int methodId) {
      this.serviceImpl = serviceImpl;
      this.methodId = methodId;
    }

    @java.lang.Override
    @java.lang.SuppressWarnings("unchecked")
    public void invoke(Req request, io.grpc.stub.StreamObserver<Resp> responseObserver) {
      switch (methodId) {
        case METHODID_CREATE_TEMPLATE:
          serviceImpl.createTemplate((dev.herald.v1.CreateTemplateRequest) request,
              (io.grpc.stub.StreamObserver<dev.herald.v1.CreateTemplateResponse>) responseObserver);
          break;
        case METHODID_GET_TEMPLATE:
          serviceImpl.getTemplate((dev.herald.v1.GetTemplateRequest) request,
              (io.grpc.stub.StreamObserver<dev.herald.v1.GetTemplateResponse>) responseObserver);
          break;
        case METHODID_UPDATE_TEMPLATE:
          serviceImpl.updateTemplate((dev.herald.v1.UpdateTemplateRequest) request,
              (io.grpc.stub.StreamObserver<dev.herald.v1.UpdateTemplateResponse>) responseObserver);
          break;
        case METHODID_DELETE_TEMPLATE:
          serviceImpl.deleteTemplate((dev.herald.v1.DeleteTemplateRequest) request,
              (io.grpc.stub.StreamObserver<dev.herald.v1.DeleteTemplateResponse>) responseObserver);
          break;
        case METHODID_LIST_TEMPLATES:
          serviceImpl.listTemplates((dev.herald.v1.ListTemplatesRequest) request,
              (io.grpc.stub.StreamObserver<dev.herald.v1.ListTemplatesResponse>) responseObserver);
          break;
        case METHODID_RENDER_TEMPLATE:
          serviceImpl.renderTemplate((dev.herald.v1.RenderTemplateRequest) request,
              (io.grpc.stub.StreamObserver<dev.herald.v1.RenderTemplateResponse>) responseObserver);
          break;
        default:
          throw new AssertionError();
      }
    }

    @java.lang.Override
    @java.lang.SuppressWarnings("unchecked")
    public io.grpc.stub.StreamObserver<Req> invoke(
        io.grpc.stub.StreamObserver<Resp> responseObserver) {
      switch (methodId) {
        default:
          throw new AssertionError();
      }
    }
  }

  public static final io.grpc.ServerServiceDefinition bindService(AsyncService service) {
    return io.grpc.ServerServiceDefinition.builder(getServiceDescriptor())
        .addMethod(
          getCreateTemplateMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.herald.v1.CreateTemplateRequest,
              dev.herald.v1.CreateTemplateResponse>(
                service, METHODID_CREATE_TEMPLATE)))
        .addMethod(
          getGetTemplateMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.herald.v1.GetTemplateRequest,
              dev.herald.v1.GetTemplateResponse>(
                service, METHODID_GET_TEMPLATE)))
        .addMethod(
          getUpdateTemplateMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.herald.v1.UpdateTemplateRequest,
              dev.herald.v1.UpdateTemplateResponse>(
                service, METHODID_UPDATE_TEMPLATE)))
        .addMethod(
          getDeleteTemplateMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.herald.v1.DeleteTemplateRequest,
              dev.herald.v1.DeleteTemplateResponse>(
                service, METHODID_DELETE_TEMPLATE)))
        .addMethod(
          getListTemplatesMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.herald.v1.ListTemplatesRequest,
              dev.herald.v1.ListTemplatesResponse>(
                service, METHODID_LIST_TEMPLATES)))
        .addMethod(
          getRenderTemplateMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.herald.v1.RenderTemplateRequest,
              dev.herald.v1.RenderTemplateResponse>(
                service, METHODID_RENDER_TEMPLATE)))
        .build();
  }

  private static abstract class TemplateServiceBaseDescriptorSupplier
      implements io.grpc.protobuf.ProtoFileDescriptorSupplier, io.grpc.protobuf.ProtoServiceDescriptorSupplier {
    TemplateServiceBaseDescriptorSupplier() {}

    @java.lang.Override
    public com.google.protobuf.Descriptors.FileDescriptor getFileDescriptor() {
      return dev.herald.v1.TemplateProto.getDescriptor();
    }

    @java.lang.Override
    public com.google.protobuf.Descriptors.ServiceDescriptor getServiceDescriptor() {
      return getFileDescriptor().findServiceByName("TemplateService");
    }
  }

  private static final class TemplateServiceFileDescriptorSupplier
      extends TemplateServiceBaseDescriptorSupplier {
    TemplateServiceFileDescriptorSupplier() {}
  }

  private static final class TemplateServiceMethodDescriptorSupplier
      extends TemplateServiceBaseDescriptorSupplier
      implements io.grpc.protobuf.ProtoMethodDescriptorSupplier {
    private final java.lang.String methodName;

    TemplateServiceMethodDescriptorSupplier(java.lang.String methodName) {
      this.methodName = methodName;
    }

    @java.lang.Override
    public com.google.protobuf.Descriptors.MethodDescriptor getMethodDescriptor() {
      return getServiceDescriptor().findMethodByName(methodName);
    }
  }

  private static volatile io.grpc.ServiceDescriptor serviceDescriptor;

  public static io.grpc.ServiceDescriptor getServiceDescriptor() {
    io.grpc.ServiceDescriptor result = serviceDescriptor;
    if (result == null) {
      synchronized (TemplateServiceGrpc.class) {
        result = serviceDescriptor;
        if (result == null) {
          serviceDescriptor = result = io.grpc.ServiceDescriptor.newBuilder(SERVICE_NAME)
              .setSchemaDescriptor(new TemplateServiceFileDescriptorSupplier())
              .addMethod(getCreateTemplateMethod())
              .addMethod(getGetTemplateMethod())
              .addMethod(getUpdateTemplateMethod())
              .addMethod(getDeleteTemplateMethod())
              .addMethod(getListTemplatesMethod())
              .addMethod(getRenderTemplateMethod())
              .build();
        }
      }
    }
    return result;
  }
}
