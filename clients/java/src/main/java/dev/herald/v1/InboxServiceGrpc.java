package dev.herald.v1;

import static io.grpc.MethodDescriptor.generateFullMethodName;

/**
 * <pre>
 * Each user's in-app inbox: what CHANNEL_IN_APP deliveries land in.
 * </pre>
 */
@io.grpc.stub.annotations.GrpcGenerated
public final class InboxServiceGrpc {

  private InboxServiceGrpc() {}

  public static final java.lang.String SERVICE_NAME = "herald.v1.InboxService";

  // Static method descriptors that strictly reflect the proto.
  private static volatile io.grpc.MethodDescriptor<dev.herald.v1.ListInboxMessagesRequest,
      dev.herald.v1.ListInboxMessagesResponse> getListInboxMessagesMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "ListInboxMessages",
      requestType = dev.herald.v1.ListInboxMessagesRequest.class,
      responseType = dev.herald.v1.ListInboxMessagesResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.herald.v1.ListInboxMessagesRequest,
      dev.herald.v1.ListInboxMessagesResponse> getListInboxMessagesMethod() {
    io.grpc.MethodDescriptor<dev.herald.v1.ListInboxMessagesRequest, dev.herald.v1.ListInboxMessagesResponse> getListInboxMessagesMethod;
    if ((getListInboxMessagesMethod = InboxServiceGrpc.getListInboxMessagesMethod) == null) {
      synchronized (InboxServiceGrpc.class) {
        if ((getListInboxMessagesMethod = InboxServiceGrpc.getListInboxMessagesMethod) == null) {
          InboxServiceGrpc.getListInboxMessagesMethod = getListInboxMessagesMethod =
              io.grpc.MethodDescriptor.<dev.herald.v1.ListInboxMessagesRequest, dev.herald.v1.ListInboxMessagesResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "ListInboxMessages"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.herald.v1.ListInboxMessagesRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.herald.v1.ListInboxMessagesResponse.getDefaultInstance()))
              .setSchemaDescriptor(new InboxServiceMethodDescriptorSupplier("ListInboxMessages"))
              .build();
        }
      }
    }
    return getListInboxMessagesMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.herald.v1.MarkInboxMessagesRequest,
      dev.herald.v1.MarkInboxMessagesResponse> getMarkInboxMessagesMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "MarkInboxMessages",
      requestType = dev.herald.v1.MarkInboxMessagesRequest.class,
      responseType = dev.herald.v1.MarkInboxMessagesResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.herald.v1.MarkInboxMessagesRequest,
      dev.herald.v1.MarkInboxMessagesResponse> getMarkInboxMessagesMethod() {
    io.grpc.MethodDescriptor<dev.herald.v1.MarkInboxMessagesRequest, dev.herald.v1.MarkInboxMessagesResponse> getMarkInboxMessagesMethod;
    if ((getMarkInboxMessagesMethod = InboxServiceGrpc.getMarkInboxMessagesMethod) == null) {
      synchronized (InboxServiceGrpc.class) {
        if ((getMarkInboxMessagesMethod = InboxServiceGrpc.getMarkInboxMessagesMethod) == null) {
          InboxServiceGrpc.getMarkInboxMessagesMethod = getMarkInboxMessagesMethod =
              io.grpc.MethodDescriptor.<dev.herald.v1.MarkInboxMessagesRequest, dev.herald.v1.MarkInboxMessagesResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "MarkInboxMessages"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.herald.v1.MarkInboxMessagesRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.herald.v1.MarkInboxMessagesResponse.getDefaultInstance()))
              .setSchemaDescriptor(new InboxServiceMethodDescriptorSupplier("MarkInboxMessages"))
              .build();
        }
      }
    }
    return getMarkInboxMessagesMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.herald.v1.GetUnreadCountRequest,
      dev.herald.v1.GetUnreadCountResponse> getGetUnreadCountMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "GetUnreadCount",
      requestType = dev.herald.v1.GetUnreadCountRequest.class,
      responseType = dev.herald.v1.GetUnreadCountResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.herald.v1.GetUnreadCountRequest,
      dev.herald.v1.GetUnreadCountResponse> getGetUnreadCountMethod() {
    io.grpc.MethodDescriptor<dev.herald.v1.GetUnreadCountRequest, dev.herald.v1.GetUnreadCountResponse> getGetUnreadCountMethod;
    if ((getGetUnreadCountMethod = InboxServiceGrpc.getGetUnreadCountMethod) == null) {
      synchronized (InboxServiceGrpc.class) {
        if ((getGetUnreadCountMethod = InboxServiceGrpc.getGetUnreadCountMethod) == null) {
          InboxServiceGrpc.getGetUnreadCountMethod = getGetUnreadCountMethod =
              io.grpc.MethodDescriptor.<dev.herald.v1.GetUnreadCountRequest, dev.herald.v1.GetUnreadCountResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "GetUnreadCount"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.herald.v1.GetUnreadCountRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.herald.v1.GetUnreadCountResponse.getDefaultInstance()))
              .setSchemaDescriptor(new InboxServiceMethodDescriptorSupplier("GetUnreadCount"))
              .build();
        }
      }
    }
    return getGetUnreadCountMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.herald.v1.WatchInboxRequest,
      dev.herald.v1.WatchInboxResponse> getWatchInboxMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "WatchInbox",
      requestType = dev.herald.v1.WatchInboxRequest.class,
      responseType = dev.herald.v1.WatchInboxResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.SERVER_STREAMING)
  public static io.grpc.MethodDescriptor<dev.herald.v1.WatchInboxRequest,
      dev.herald.v1.WatchInboxResponse> getWatchInboxMethod() {
    io.grpc.MethodDescriptor<dev.herald.v1.WatchInboxRequest, dev.herald.v1.WatchInboxResponse> getWatchInboxMethod;
    if ((getWatchInboxMethod = InboxServiceGrpc.getWatchInboxMethod) == null) {
      synchronized (InboxServiceGrpc.class) {
        if ((getWatchInboxMethod = InboxServiceGrpc.getWatchInboxMethod) == null) {
          InboxServiceGrpc.getWatchInboxMethod = getWatchInboxMethod =
              io.grpc.MethodDescriptor.<dev.herald.v1.WatchInboxRequest, dev.herald.v1.WatchInboxResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.SERVER_STREAMING)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "WatchInbox"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.herald.v1.WatchInboxRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.herald.v1.WatchInboxResponse.getDefaultInstance()))
              .setSchemaDescriptor(new InboxServiceMethodDescriptorSupplier("WatchInbox"))
              .build();
        }
      }
    }
    return getWatchInboxMethod;
  }

  /**
   * Creates a new async stub that supports all call types for the service
   */
  public static InboxServiceStub newStub(io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<InboxServiceStub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<InboxServiceStub>() {
        @java.lang.Override
        public InboxServiceStub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new InboxServiceStub(channel, callOptions);
        }
      };
    return InboxServiceStub.newStub(factory, channel);
  }

  /**
   * Creates a new blocking-style stub that supports all types of calls on the service
   */
  public static InboxServiceBlockingV2Stub newBlockingV2Stub(
      io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<InboxServiceBlockingV2Stub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<InboxServiceBlockingV2Stub>() {
        @java.lang.Override
        public InboxServiceBlockingV2Stub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new InboxServiceBlockingV2Stub(channel, callOptions);
        }
      };
    return InboxServiceBlockingV2Stub.newStub(factory, channel);
  }

  /**
   * Creates a new blocking-style stub that supports unary and streaming output calls on the service
   */
  public static InboxServiceBlockingStub newBlockingStub(
      io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<InboxServiceBlockingStub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<InboxServiceBlockingStub>() {
        @java.lang.Override
        public InboxServiceBlockingStub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new InboxServiceBlockingStub(channel, callOptions);
        }
      };
    return InboxServiceBlockingStub.newStub(factory, channel);
  }

  /**
   * Creates a new ListenableFuture-style stub that supports unary calls on the service
   */
  public static InboxServiceFutureStub newFutureStub(
      io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<InboxServiceFutureStub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<InboxServiceFutureStub>() {
        @java.lang.Override
        public InboxServiceFutureStub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new InboxServiceFutureStub(channel, callOptions);
        }
      };
    return InboxServiceFutureStub.newStub(factory, channel);
  }

  /**
   * <pre>
   * Each user's in-app inbox: what CHANNEL_IN_APP deliveries land in.
   * </pre>
   */
  public interface AsyncService {

    /**
     * <pre>
     * Lists a user's messages, newest first (AIP-158), optionally unread only.
     * Returns OK, INVALID_ARGUMENT, UNAUTHENTICATED, PERMISSION_DENIED.
     * </pre>
     */
    default void listInboxMessages(dev.herald.v1.ListInboxMessagesRequest request,
        io.grpc.stub.StreamObserver<dev.herald.v1.ListInboxMessagesResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getListInboxMessagesMethod(), responseObserver);
    }

    /**
     * <pre>
     * Marks messages read, unread or archived. Returns OK, INVALID_ARGUMENT,
     * NOT_FOUND (a message id not in this inbox), UNAUTHENTICATED, PERMISSION_DENIED.
     * </pre>
     */
    default void markInboxMessages(dev.herald.v1.MarkInboxMessagesRequest request,
        io.grpc.stub.StreamObserver<dev.herald.v1.MarkInboxMessagesResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getMarkInboxMessagesMethod(), responseObserver);
    }

    /**
     * <pre>
     * Returns the number of unread messages. Returns OK, INVALID_ARGUMENT,
     * UNAUTHENTICATED, PERMISSION_DENIED.
     * </pre>
     */
    default void getUnreadCount(dev.herald.v1.GetUnreadCountRequest request,
        io.grpc.stub.StreamObserver<dev.herald.v1.GetUnreadCountResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getGetUnreadCountMethod(), responseObserver);
    }

    /**
     * <pre>
     * Streams a user's inbox: first the unread count, then every new message
     * and state change the moment it happens. Runs until the caller cancels.
     * Returns OK, INVALID_ARGUMENT, UNAUTHENTICATED, PERMISSION_DENIED,
     * RESOURCE_EXHAUSTED (too many streams).
     * </pre>
     */
    default void watchInbox(dev.herald.v1.WatchInboxRequest request,
        io.grpc.stub.StreamObserver<dev.herald.v1.WatchInboxResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getWatchInboxMethod(), responseObserver);
    }
  }

  /**
   * Base class for the server implementation of the service InboxService.
   * <pre>
   * Each user's in-app inbox: what CHANNEL_IN_APP deliveries land in.
   * </pre>
   */
  public static abstract class InboxServiceImplBase
      implements io.grpc.BindableService, AsyncService {

    @java.lang.Override public final io.grpc.ServerServiceDefinition bindService() {
      return InboxServiceGrpc.bindService(this);
    }
  }

  /**
   * A stub to allow clients to do asynchronous rpc calls to service InboxService.
   * <pre>
   * Each user's in-app inbox: what CHANNEL_IN_APP deliveries land in.
   * </pre>
   */
  public static final class InboxServiceStub
      extends io.grpc.stub.AbstractAsyncStub<InboxServiceStub> {
    private InboxServiceStub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected InboxServiceStub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new InboxServiceStub(channel, callOptions);
    }

    /**
     * <pre>
     * Lists a user's messages, newest first (AIP-158), optionally unread only.
     * Returns OK, INVALID_ARGUMENT, UNAUTHENTICATED, PERMISSION_DENIED.
     * </pre>
     */
    public void listInboxMessages(dev.herald.v1.ListInboxMessagesRequest request,
        io.grpc.stub.StreamObserver<dev.herald.v1.ListInboxMessagesResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getListInboxMessagesMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Marks messages read, unread or archived. Returns OK, INVALID_ARGUMENT,
     * NOT_FOUND (a message id not in this inbox), UNAUTHENTICATED, PERMISSION_DENIED.
     * </pre>
     */
    public void markInboxMessages(dev.herald.v1.MarkInboxMessagesRequest request,
        io.grpc.stub.StreamObserver<dev.herald.v1.MarkInboxMessagesResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getMarkInboxMessagesMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Returns the number of unread messages. Returns OK, INVALID_ARGUMENT,
     * UNAUTHENTICATED, PERMISSION_DENIED.
     * </pre>
     */
    public void getUnreadCount(dev.herald.v1.GetUnreadCountRequest request,
        io.grpc.stub.StreamObserver<dev.herald.v1.GetUnreadCountResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getGetUnreadCountMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Streams a user's inbox: first the unread count, then every new message
     * and state change the moment it happens. Runs until the caller cancels.
     * Returns OK, INVALID_ARGUMENT, UNAUTHENTICATED, PERMISSION_DENIED,
     * RESOURCE_EXHAUSTED (too many streams).
     * </pre>
     */
    public void watchInbox(dev.herald.v1.WatchInboxRequest request,
        io.grpc.stub.StreamObserver<dev.herald.v1.WatchInboxResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncServerStreamingCall(
          getChannel().newCall(getWatchInboxMethod(), getCallOptions()), request, responseObserver);
    }
  }

  /**
   * A stub to allow clients to do synchronous rpc calls to service InboxService.
   * <pre>
   * Each user's in-app inbox: what CHANNEL_IN_APP deliveries land in.
   * </pre>
   */
  public static final class InboxServiceBlockingV2Stub
      extends io.grpc.stub.AbstractBlockingStub<InboxServiceBlockingV2Stub> {
    private InboxServiceBlockingV2Stub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected InboxServiceBlockingV2Stub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new InboxServiceBlockingV2Stub(channel, callOptions);
    }

    /**
     * <pre>
     * Lists a user's messages, newest first (AIP-158), optionally unread only.
     * Returns OK, INVALID_ARGUMENT, UNAUTHENTICATED, PERMISSION_DENIED.
     * </pre>
     */
    public dev.herald.v1.ListInboxMessagesResponse listInboxMessages(dev.herald.v1.ListInboxMessagesRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getListInboxMessagesMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Marks messages read, unread or archived. Returns OK, INVALID_ARGUMENT,
     * NOT_FOUND (a message id not in this inbox), UNAUTHENTICATED, PERMISSION_DENIED.
     * </pre>
     */
    public dev.herald.v1.MarkInboxMessagesResponse markInboxMessages(dev.herald.v1.MarkInboxMessagesRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getMarkInboxMessagesMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Returns the number of unread messages. Returns OK, INVALID_ARGUMENT,
     * UNAUTHENTICATED, PERMISSION_DENIED.
     * </pre>
     */
    public dev.herald.v1.GetUnreadCountResponse getUnreadCount(dev.herald.v1.GetUnreadCountRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getGetUnreadCountMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Streams a user's inbox: first the unread count, then every new message
     * and state change the moment it happens. Runs until the caller cancels.
     * Returns OK, INVALID_ARGUMENT, UNAUTHENTICATED, PERMISSION_DENIED,
     * RESOURCE_EXHAUSTED (too many streams).
     * </pre>
     */
    @io.grpc.ExperimentalApi("https://github.com/grpc/grpc-java/issues/10918")
    public io.grpc.stub.BlockingClientCall<?, dev.herald.v1.WatchInboxResponse>
        watchInbox(dev.herald.v1.WatchInboxRequest request) {
      return io.grpc.stub.ClientCalls.blockingV2ServerStreamingCall(
          getChannel(), getWatchInboxMethod(), getCallOptions(), request);
    }
  }

  /**
   * A stub to allow clients to do limited synchronous rpc calls to service InboxService.
   * <pre>
   * Each user's in-app inbox: what CHANNEL_IN_APP deliveries land in.
   * </pre>
   */
  public static final class InboxServiceBlockingStub
      extends io.grpc.stub.AbstractBlockingStub<InboxServiceBlockingStub> {
    private InboxServiceBlockingStub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected InboxServiceBlockingStub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new InboxServiceBlockingStub(channel, callOptions);
    }

    /**
     * <pre>
     * Lists a user's messages, newest first (AIP-158), optionally unread only.
     * Returns OK, INVALID_ARGUMENT, UNAUTHENTICATED, PERMISSION_DENIED.
     * </pre>
     */
    public dev.herald.v1.ListInboxMessagesResponse listInboxMessages(dev.herald.v1.ListInboxMessagesRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getListInboxMessagesMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Marks messages read, unread or archived. Returns OK, INVALID_ARGUMENT,
     * NOT_FOUND (a message id not in this inbox), UNAUTHENTICATED, PERMISSION_DENIED.
     * </pre>
     */
    public dev.herald.v1.MarkInboxMessagesResponse markInboxMessages(dev.herald.v1.MarkInboxMessagesRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getMarkInboxMessagesMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Returns the number of unread messages. Returns OK, INVALID_ARGUMENT,
     * UNAUTHENTICATED, PERMISSION_DENIED.
     * </pre>
     */
    public dev.herald.v1.GetUnreadCountResponse getUnreadCount(dev.herald.v1.GetUnreadCountRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getGetUnreadCountMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Streams a user's inbox: first the unread count, then every new message
     * and state change the moment it happens. Runs until the caller cancels.
     * Returns OK, INVALID_ARGUMENT, UNAUTHENTICATED, PERMISSION_DENIED,
     * RESOURCE_EXHAUSTED (too many streams).
     * </pre>
     */
    public java.util.Iterator<dev.herald.v1.WatchInboxResponse> watchInbox(
        dev.herald.v1.WatchInboxRequest request) {
      return io.grpc.stub.ClientCalls.blockingServerStreamingCall(
          getChannel(), getWatchInboxMethod(), getCallOptions(), request);
    }
  }

  /**
   * A stub to allow clients to do ListenableFuture-style rpc calls to service InboxService.
   * <pre>
   * Each user's in-app inbox: what CHANNEL_IN_APP deliveries land in.
   * </pre>
   */
  public static final class InboxServiceFutureStub
      extends io.grpc.stub.AbstractFutureStub<InboxServiceFutureStub> {
    private InboxServiceFutureStub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected InboxServiceFutureStub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new InboxServiceFutureStub(channel, callOptions);
    }

    /**
     * <pre>
     * Lists a user's messages, newest first (AIP-158), optionally unread only.
     * Returns OK, INVALID_ARGUMENT, UNAUTHENTICATED, PERMISSION_DENIED.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.herald.v1.ListInboxMessagesResponse> listInboxMessages(
        dev.herald.v1.ListInboxMessagesRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getListInboxMessagesMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Marks messages read, unread or archived. Returns OK, INVALID_ARGUMENT,
     * NOT_FOUND (a message id not in this inbox), UNAUTHENTICATED, PERMISSION_DENIED.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.herald.v1.MarkInboxMessagesResponse> markInboxMessages(
        dev.herald.v1.MarkInboxMessagesRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getMarkInboxMessagesMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Returns the number of unread messages. Returns OK, INVALID_ARGUMENT,
     * UNAUTHENTICATED, PERMISSION_DENIED.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.herald.v1.GetUnreadCountResponse> getUnreadCount(
        dev.herald.v1.GetUnreadCountRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getGetUnreadCountMethod(), getCallOptions()), request);
    }
  }

  private static final int METHODID_LIST_INBOX_MESSAGES = 0;
  private static final int METHODID_MARK_INBOX_MESSAGES = 1;
  private static final int METHODID_GET_UNREAD_COUNT = 2;
  private static final int METHODID_WATCH_INBOX = 3;

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
        case METHODID_LIST_INBOX_MESSAGES:
          serviceImpl.listInboxMessages((dev.herald.v1.ListInboxMessagesRequest) request,
              (io.grpc.stub.StreamObserver<dev.herald.v1.ListInboxMessagesResponse>) responseObserver);
          break;
        case METHODID_MARK_INBOX_MESSAGES:
          serviceImpl.markInboxMessages((dev.herald.v1.MarkInboxMessagesRequest) request,
              (io.grpc.stub.StreamObserver<dev.herald.v1.MarkInboxMessagesResponse>) responseObserver);
          break;
        case METHODID_GET_UNREAD_COUNT:
          serviceImpl.getUnreadCount((dev.herald.v1.GetUnreadCountRequest) request,
              (io.grpc.stub.StreamObserver<dev.herald.v1.GetUnreadCountResponse>) responseObserver);
          break;
        case METHODID_WATCH_INBOX:
          serviceImpl.watchInbox((dev.herald.v1.WatchInboxRequest) request,
              (io.grpc.stub.StreamObserver<dev.herald.v1.WatchInboxResponse>) responseObserver);
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
          getListInboxMessagesMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.herald.v1.ListInboxMessagesRequest,
              dev.herald.v1.ListInboxMessagesResponse>(
                service, METHODID_LIST_INBOX_MESSAGES)))
        .addMethod(
          getMarkInboxMessagesMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.herald.v1.MarkInboxMessagesRequest,
              dev.herald.v1.MarkInboxMessagesResponse>(
                service, METHODID_MARK_INBOX_MESSAGES)))
        .addMethod(
          getGetUnreadCountMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.herald.v1.GetUnreadCountRequest,
              dev.herald.v1.GetUnreadCountResponse>(
                service, METHODID_GET_UNREAD_COUNT)))
        .addMethod(
          getWatchInboxMethod(),
          io.grpc.stub.ServerCalls.asyncServerStreamingCall(
            new MethodHandlers<
              dev.herald.v1.WatchInboxRequest,
              dev.herald.v1.WatchInboxResponse>(
                service, METHODID_WATCH_INBOX)))
        .build();
  }

  private static abstract class InboxServiceBaseDescriptorSupplier
      implements io.grpc.protobuf.ProtoFileDescriptorSupplier, io.grpc.protobuf.ProtoServiceDescriptorSupplier {
    InboxServiceBaseDescriptorSupplier() {}

    @java.lang.Override
    public com.google.protobuf.Descriptors.FileDescriptor getFileDescriptor() {
      return dev.herald.v1.InboxProto.getDescriptor();
    }

    @java.lang.Override
    public com.google.protobuf.Descriptors.ServiceDescriptor getServiceDescriptor() {
      return getFileDescriptor().findServiceByName("InboxService");
    }
  }

  private static final class InboxServiceFileDescriptorSupplier
      extends InboxServiceBaseDescriptorSupplier {
    InboxServiceFileDescriptorSupplier() {}
  }

  private static final class InboxServiceMethodDescriptorSupplier
      extends InboxServiceBaseDescriptorSupplier
      implements io.grpc.protobuf.ProtoMethodDescriptorSupplier {
    private final java.lang.String methodName;

    InboxServiceMethodDescriptorSupplier(java.lang.String methodName) {
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
      synchronized (InboxServiceGrpc.class) {
        result = serviceDescriptor;
        if (result == null) {
          serviceDescriptor = result = io.grpc.ServiceDescriptor.newBuilder(SERVICE_NAME)
              .setSchemaDescriptor(new InboxServiceFileDescriptorSupplier())
              .addMethod(getListInboxMessagesMethod())
              .addMethod(getMarkInboxMessagesMethod())
              .addMethod(getGetUnreadCountMethod())
              .addMethod(getWatchInboxMethod())
              .build();
        }
      }
    }
    return result;
  }
}
