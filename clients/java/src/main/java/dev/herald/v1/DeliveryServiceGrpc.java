package dev.herald.v1;

import static io.grpc.MethodDescriptor.generateFullMethodName;

/**
 * <pre>
 * Sends messages to people over Email, SMS, Push, In-App and Webhook.
 * Every send is written durably (the request and one delivery per recipient
 * and channel, in one transaction) before any channel runs; the RPCs differ
 * only in how long the caller waits. Bad input is INVALID_ARGUMENT with a
 * google.rpc.BadRequest detail (one field violation per problem) and an
 * ErrorInfo reason, and nothing is stored or sent. A channel that fails is a
 * result (success = false), not an RPC error.
 * </pre>
 */
@io.grpc.stub.annotations.GrpcGenerated
public final class DeliveryServiceGrpc {

  private DeliveryServiceGrpc() {}

  public static final java.lang.String SERVICE_NAME = "herald.v1.DeliveryService";

  // Static method descriptors that strictly reflect the proto.
  private static volatile io.grpc.MethodDescriptor<dev.herald.v1.SendMessageRequest,
      dev.herald.v1.SendMessageResponse> getSendMessageMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "SendMessage",
      requestType = dev.herald.v1.SendMessageRequest.class,
      responseType = dev.herald.v1.SendMessageResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.herald.v1.SendMessageRequest,
      dev.herald.v1.SendMessageResponse> getSendMessageMethod() {
    io.grpc.MethodDescriptor<dev.herald.v1.SendMessageRequest, dev.herald.v1.SendMessageResponse> getSendMessageMethod;
    if ((getSendMessageMethod = DeliveryServiceGrpc.getSendMessageMethod) == null) {
      synchronized (DeliveryServiceGrpc.class) {
        if ((getSendMessageMethod = DeliveryServiceGrpc.getSendMessageMethod) == null) {
          DeliveryServiceGrpc.getSendMessageMethod = getSendMessageMethod =
              io.grpc.MethodDescriptor.<dev.herald.v1.SendMessageRequest, dev.herald.v1.SendMessageResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "SendMessage"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.herald.v1.SendMessageRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.herald.v1.SendMessageResponse.getDefaultInstance()))
              .setSchemaDescriptor(new DeliveryServiceMethodDescriptorSupplier("SendMessage"))
              .build();
        }
      }
    }
    return getSendMessageMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.herald.v1.SendMessageStreamRequest,
      dev.herald.v1.SendMessageStreamResponse> getSendMessageStreamMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "SendMessageStream",
      requestType = dev.herald.v1.SendMessageStreamRequest.class,
      responseType = dev.herald.v1.SendMessageStreamResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.SERVER_STREAMING)
  public static io.grpc.MethodDescriptor<dev.herald.v1.SendMessageStreamRequest,
      dev.herald.v1.SendMessageStreamResponse> getSendMessageStreamMethod() {
    io.grpc.MethodDescriptor<dev.herald.v1.SendMessageStreamRequest, dev.herald.v1.SendMessageStreamResponse> getSendMessageStreamMethod;
    if ((getSendMessageStreamMethod = DeliveryServiceGrpc.getSendMessageStreamMethod) == null) {
      synchronized (DeliveryServiceGrpc.class) {
        if ((getSendMessageStreamMethod = DeliveryServiceGrpc.getSendMessageStreamMethod) == null) {
          DeliveryServiceGrpc.getSendMessageStreamMethod = getSendMessageStreamMethod =
              io.grpc.MethodDescriptor.<dev.herald.v1.SendMessageStreamRequest, dev.herald.v1.SendMessageStreamResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.SERVER_STREAMING)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "SendMessageStream"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.herald.v1.SendMessageStreamRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.herald.v1.SendMessageStreamResponse.getDefaultInstance()))
              .setSchemaDescriptor(new DeliveryServiceMethodDescriptorSupplier("SendMessageStream"))
              .build();
        }
      }
    }
    return getSendMessageStreamMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.herald.v1.SendNotificationRequest,
      dev.herald.v1.SendNotificationResponse> getSendNotificationMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "SendNotification",
      requestType = dev.herald.v1.SendNotificationRequest.class,
      responseType = dev.herald.v1.SendNotificationResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.herald.v1.SendNotificationRequest,
      dev.herald.v1.SendNotificationResponse> getSendNotificationMethod() {
    io.grpc.MethodDescriptor<dev.herald.v1.SendNotificationRequest, dev.herald.v1.SendNotificationResponse> getSendNotificationMethod;
    if ((getSendNotificationMethod = DeliveryServiceGrpc.getSendNotificationMethod) == null) {
      synchronized (DeliveryServiceGrpc.class) {
        if ((getSendNotificationMethod = DeliveryServiceGrpc.getSendNotificationMethod) == null) {
          DeliveryServiceGrpc.getSendNotificationMethod = getSendNotificationMethod =
              io.grpc.MethodDescriptor.<dev.herald.v1.SendNotificationRequest, dev.herald.v1.SendNotificationResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "SendNotification"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.herald.v1.SendNotificationRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.herald.v1.SendNotificationResponse.getDefaultInstance()))
              .setSchemaDescriptor(new DeliveryServiceMethodDescriptorSupplier("SendNotification"))
              .build();
        }
      }
    }
    return getSendNotificationMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.herald.v1.GetNotificationRequest,
      dev.herald.v1.GetNotificationResponse> getGetNotificationMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "GetNotification",
      requestType = dev.herald.v1.GetNotificationRequest.class,
      responseType = dev.herald.v1.GetNotificationResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.herald.v1.GetNotificationRequest,
      dev.herald.v1.GetNotificationResponse> getGetNotificationMethod() {
    io.grpc.MethodDescriptor<dev.herald.v1.GetNotificationRequest, dev.herald.v1.GetNotificationResponse> getGetNotificationMethod;
    if ((getGetNotificationMethod = DeliveryServiceGrpc.getGetNotificationMethod) == null) {
      synchronized (DeliveryServiceGrpc.class) {
        if ((getGetNotificationMethod = DeliveryServiceGrpc.getGetNotificationMethod) == null) {
          DeliveryServiceGrpc.getGetNotificationMethod = getGetNotificationMethod =
              io.grpc.MethodDescriptor.<dev.herald.v1.GetNotificationRequest, dev.herald.v1.GetNotificationResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "GetNotification"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.herald.v1.GetNotificationRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.herald.v1.GetNotificationResponse.getDefaultInstance()))
              .setSchemaDescriptor(new DeliveryServiceMethodDescriptorSupplier("GetNotification"))
              .build();
        }
      }
    }
    return getGetNotificationMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.herald.v1.WatchNotificationRequest,
      dev.herald.v1.WatchNotificationResponse> getWatchNotificationMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "WatchNotification",
      requestType = dev.herald.v1.WatchNotificationRequest.class,
      responseType = dev.herald.v1.WatchNotificationResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.SERVER_STREAMING)
  public static io.grpc.MethodDescriptor<dev.herald.v1.WatchNotificationRequest,
      dev.herald.v1.WatchNotificationResponse> getWatchNotificationMethod() {
    io.grpc.MethodDescriptor<dev.herald.v1.WatchNotificationRequest, dev.herald.v1.WatchNotificationResponse> getWatchNotificationMethod;
    if ((getWatchNotificationMethod = DeliveryServiceGrpc.getWatchNotificationMethod) == null) {
      synchronized (DeliveryServiceGrpc.class) {
        if ((getWatchNotificationMethod = DeliveryServiceGrpc.getWatchNotificationMethod) == null) {
          DeliveryServiceGrpc.getWatchNotificationMethod = getWatchNotificationMethod =
              io.grpc.MethodDescriptor.<dev.herald.v1.WatchNotificationRequest, dev.herald.v1.WatchNotificationResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.SERVER_STREAMING)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "WatchNotification"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.herald.v1.WatchNotificationRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.herald.v1.WatchNotificationResponse.getDefaultInstance()))
              .setSchemaDescriptor(new DeliveryServiceMethodDescriptorSupplier("WatchNotification"))
              .build();
        }
      }
    }
    return getWatchNotificationMethod;
  }

  /**
   * Creates a new async stub that supports all call types for the service
   */
  public static DeliveryServiceStub newStub(io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<DeliveryServiceStub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<DeliveryServiceStub>() {
        @java.lang.Override
        public DeliveryServiceStub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new DeliveryServiceStub(channel, callOptions);
        }
      };
    return DeliveryServiceStub.newStub(factory, channel);
  }

  /**
   * Creates a new blocking-style stub that supports all types of calls on the service
   */
  public static DeliveryServiceBlockingV2Stub newBlockingV2Stub(
      io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<DeliveryServiceBlockingV2Stub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<DeliveryServiceBlockingV2Stub>() {
        @java.lang.Override
        public DeliveryServiceBlockingV2Stub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new DeliveryServiceBlockingV2Stub(channel, callOptions);
        }
      };
    return DeliveryServiceBlockingV2Stub.newStub(factory, channel);
  }

  /**
   * Creates a new blocking-style stub that supports unary and streaming output calls on the service
   */
  public static DeliveryServiceBlockingStub newBlockingStub(
      io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<DeliveryServiceBlockingStub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<DeliveryServiceBlockingStub>() {
        @java.lang.Override
        public DeliveryServiceBlockingStub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new DeliveryServiceBlockingStub(channel, callOptions);
        }
      };
    return DeliveryServiceBlockingStub.newStub(factory, channel);
  }

  /**
   * Creates a new ListenableFuture-style stub that supports unary calls on the service
   */
  public static DeliveryServiceFutureStub newFutureStub(
      io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<DeliveryServiceFutureStub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<DeliveryServiceFutureStub>() {
        @java.lang.Override
        public DeliveryServiceFutureStub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new DeliveryServiceFutureStub(channel, callOptions);
        }
      };
    return DeliveryServiceFutureStub.newStub(factory, channel);
  }

  /**
   * <pre>
   * Sends messages to people over Email, SMS, Push, In-App and Webhook.
   * Every send is written durably (the request and one delivery per recipient
   * and channel, in one transaction) before any channel runs; the RPCs differ
   * only in how long the caller waits. Bad input is INVALID_ARGUMENT with a
   * google.rpc.BadRequest detail (one field violation per problem) and an
   * ErrorInfo reason, and nothing is stored or sent. A channel that fails is a
   * result (success = false), not an RPC error.
   * </pre>
   */
  public interface AsyncService {

    /**
     * <pre>
     * Sends one message to one recipient over the requested channels
     * concurrently and waits for every channel's result (bounded by the call's
     * deadline; a delivery still running at the deadline is reported as
     * DELIVERY_STATE_SENDING and goes on in the background).
     * Seed 000: the contact points are given in the request. Seed 002: with
     * user_id (the path of the second binding) the directory supplies them,
     * delivery_method picks email, sms or both, and the content comes from
     * communication_template_id, else message_type, else the custom body.
     * A retry with the same request_id returns the first answer without
     * sending again.
     * Returns OK (even when channels failed), INVALID_ARGUMENT, NOT_FOUND (user
     * or template), UNAUTHENTICATED, PERMISSION_DENIED, RESOURCE_EXHAUSTED,
     * UNAVAILABLE (shutting down).
     * </pre>
     */
    default void sendMessage(dev.herald.v1.SendMessageRequest request,
        io.grpc.stub.StreamObserver<dev.herald.v1.SendMessageResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getSendMessageMethod(), responseObserver);
    }

    /**
     * <pre>
     * Like SendMessage, but yields each channel's result the moment it
     * completes (a slow channel never delays a fast one's result), then a
     * summary, then ends. Same validation, idempotency and status codes as
     * SendMessage; a replayed request_id streams the recorded results.
     * </pre>
     */
    default void sendMessageStream(dev.herald.v1.SendMessageStreamRequest request,
        io.grpc.stub.StreamObserver<dev.herald.v1.SendMessageStreamResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getSendMessageStreamMethod(), responseObserver);
    }

    /**
     * <pre>
     * Queues a notification for delivery and returns as soon as its deliveries
     * are durably queued (seed 003), with the accepted and rejected recipients
     * per channel and a reason for each rejection. Also takes recipients by user
     * id and by cluster with template interpolation (seed 001, POST /send).
     * Returns OK, INVALID_ARGUMENT (unknown channel, missing subject or body,
     * body_html for a channel without HTML), FAILED_PRECONDITION (no recipient
     * passed for any channel; the rejections are in the details), NOT_FOUND
     * (template or cluster), UNAUTHENTICATED, PERMISSION_DENIED,
     * RESOURCE_EXHAUSTED.
     * </pre>
     */
    default void sendNotification(dev.herald.v1.SendNotificationRequest request,
        io.grpc.stub.StreamObserver<dev.herald.v1.SendNotificationResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getSendNotificationMethod(), responseObserver);
    }

    /**
     * <pre>
     * Returns a notification with the state of each of its deliveries.
     * Returns OK, INVALID_ARGUMENT (malformed name), NOT_FOUND,
     * UNAUTHENTICATED, PERMISSION_DENIED.
     * </pre>
     */
    default void getNotification(dev.herald.v1.GetNotificationRequest request,
        io.grpc.stub.StreamObserver<dev.herald.v1.GetNotificationResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getGetNotificationMethod(), responseObserver);
    }

    /**
     * <pre>
     * Streams a notification: first its current state, then every delivery
     * state change, ending when all deliveries are final. A watcher that
     * connects late misses nothing.
     * Returns OK, INVALID_ARGUMENT, NOT_FOUND, UNAUTHENTICATED,
     * PERMISSION_DENIED, RESOURCE_EXHAUSTED (too many streams).
     * </pre>
     */
    default void watchNotification(dev.herald.v1.WatchNotificationRequest request,
        io.grpc.stub.StreamObserver<dev.herald.v1.WatchNotificationResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getWatchNotificationMethod(), responseObserver);
    }
  }

  /**
   * Base class for the server implementation of the service DeliveryService.
   * <pre>
   * Sends messages to people over Email, SMS, Push, In-App and Webhook.
   * Every send is written durably (the request and one delivery per recipient
   * and channel, in one transaction) before any channel runs; the RPCs differ
   * only in how long the caller waits. Bad input is INVALID_ARGUMENT with a
   * google.rpc.BadRequest detail (one field violation per problem) and an
   * ErrorInfo reason, and nothing is stored or sent. A channel that fails is a
   * result (success = false), not an RPC error.
   * </pre>
   */
  public static abstract class DeliveryServiceImplBase
      implements io.grpc.BindableService, AsyncService {

    @java.lang.Override public final io.grpc.ServerServiceDefinition bindService() {
      return DeliveryServiceGrpc.bindService(this);
    }
  }

  /**
   * A stub to allow clients to do asynchronous rpc calls to service DeliveryService.
   * <pre>
   * Sends messages to people over Email, SMS, Push, In-App and Webhook.
   * Every send is written durably (the request and one delivery per recipient
   * and channel, in one transaction) before any channel runs; the RPCs differ
   * only in how long the caller waits. Bad input is INVALID_ARGUMENT with a
   * google.rpc.BadRequest detail (one field violation per problem) and an
   * ErrorInfo reason, and nothing is stored or sent. A channel that fails is a
   * result (success = false), not an RPC error.
   * </pre>
   */
  public static final class DeliveryServiceStub
      extends io.grpc.stub.AbstractAsyncStub<DeliveryServiceStub> {
    private DeliveryServiceStub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected DeliveryServiceStub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new DeliveryServiceStub(channel, callOptions);
    }

    /**
     * <pre>
     * Sends one message to one recipient over the requested channels
     * concurrently and waits for every channel's result (bounded by the call's
     * deadline; a delivery still running at the deadline is reported as
     * DELIVERY_STATE_SENDING and goes on in the background).
     * Seed 000: the contact points are given in the request. Seed 002: with
     * user_id (the path of the second binding) the directory supplies them,
     * delivery_method picks email, sms or both, and the content comes from
     * communication_template_id, else message_type, else the custom body.
     * A retry with the same request_id returns the first answer without
     * sending again.
     * Returns OK (even when channels failed), INVALID_ARGUMENT, NOT_FOUND (user
     * or template), UNAUTHENTICATED, PERMISSION_DENIED, RESOURCE_EXHAUSTED,
     * UNAVAILABLE (shutting down).
     * </pre>
     */
    public void sendMessage(dev.herald.v1.SendMessageRequest request,
        io.grpc.stub.StreamObserver<dev.herald.v1.SendMessageResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getSendMessageMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Like SendMessage, but yields each channel's result the moment it
     * completes (a slow channel never delays a fast one's result), then a
     * summary, then ends. Same validation, idempotency and status codes as
     * SendMessage; a replayed request_id streams the recorded results.
     * </pre>
     */
    public void sendMessageStream(dev.herald.v1.SendMessageStreamRequest request,
        io.grpc.stub.StreamObserver<dev.herald.v1.SendMessageStreamResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncServerStreamingCall(
          getChannel().newCall(getSendMessageStreamMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Queues a notification for delivery and returns as soon as its deliveries
     * are durably queued (seed 003), with the accepted and rejected recipients
     * per channel and a reason for each rejection. Also takes recipients by user
     * id and by cluster with template interpolation (seed 001, POST /send).
     * Returns OK, INVALID_ARGUMENT (unknown channel, missing subject or body,
     * body_html for a channel without HTML), FAILED_PRECONDITION (no recipient
     * passed for any channel; the rejections are in the details), NOT_FOUND
     * (template or cluster), UNAUTHENTICATED, PERMISSION_DENIED,
     * RESOURCE_EXHAUSTED.
     * </pre>
     */
    public void sendNotification(dev.herald.v1.SendNotificationRequest request,
        io.grpc.stub.StreamObserver<dev.herald.v1.SendNotificationResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getSendNotificationMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Returns a notification with the state of each of its deliveries.
     * Returns OK, INVALID_ARGUMENT (malformed name), NOT_FOUND,
     * UNAUTHENTICATED, PERMISSION_DENIED.
     * </pre>
     */
    public void getNotification(dev.herald.v1.GetNotificationRequest request,
        io.grpc.stub.StreamObserver<dev.herald.v1.GetNotificationResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getGetNotificationMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Streams a notification: first its current state, then every delivery
     * state change, ending when all deliveries are final. A watcher that
     * connects late misses nothing.
     * Returns OK, INVALID_ARGUMENT, NOT_FOUND, UNAUTHENTICATED,
     * PERMISSION_DENIED, RESOURCE_EXHAUSTED (too many streams).
     * </pre>
     */
    public void watchNotification(dev.herald.v1.WatchNotificationRequest request,
        io.grpc.stub.StreamObserver<dev.herald.v1.WatchNotificationResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncServerStreamingCall(
          getChannel().newCall(getWatchNotificationMethod(), getCallOptions()), request, responseObserver);
    }
  }

  /**
   * A stub to allow clients to do synchronous rpc calls to service DeliveryService.
   * <pre>
   * Sends messages to people over Email, SMS, Push, In-App and Webhook.
   * Every send is written durably (the request and one delivery per recipient
   * and channel, in one transaction) before any channel runs; the RPCs differ
   * only in how long the caller waits. Bad input is INVALID_ARGUMENT with a
   * google.rpc.BadRequest detail (one field violation per problem) and an
   * ErrorInfo reason, and nothing is stored or sent. A channel that fails is a
   * result (success = false), not an RPC error.
   * </pre>
   */
  public static final class DeliveryServiceBlockingV2Stub
      extends io.grpc.stub.AbstractBlockingStub<DeliveryServiceBlockingV2Stub> {
    private DeliveryServiceBlockingV2Stub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected DeliveryServiceBlockingV2Stub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new DeliveryServiceBlockingV2Stub(channel, callOptions);
    }

    /**
     * <pre>
     * Sends one message to one recipient over the requested channels
     * concurrently and waits for every channel's result (bounded by the call's
     * deadline; a delivery still running at the deadline is reported as
     * DELIVERY_STATE_SENDING and goes on in the background).
     * Seed 000: the contact points are given in the request. Seed 002: with
     * user_id (the path of the second binding) the directory supplies them,
     * delivery_method picks email, sms or both, and the content comes from
     * communication_template_id, else message_type, else the custom body.
     * A retry with the same request_id returns the first answer without
     * sending again.
     * Returns OK (even when channels failed), INVALID_ARGUMENT, NOT_FOUND (user
     * or template), UNAUTHENTICATED, PERMISSION_DENIED, RESOURCE_EXHAUSTED,
     * UNAVAILABLE (shutting down).
     * </pre>
     */
    public dev.herald.v1.SendMessageResponse sendMessage(dev.herald.v1.SendMessageRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getSendMessageMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Like SendMessage, but yields each channel's result the moment it
     * completes (a slow channel never delays a fast one's result), then a
     * summary, then ends. Same validation, idempotency and status codes as
     * SendMessage; a replayed request_id streams the recorded results.
     * </pre>
     */
    @io.grpc.ExperimentalApi("https://github.com/grpc/grpc-java/issues/10918")
    public io.grpc.stub.BlockingClientCall<?, dev.herald.v1.SendMessageStreamResponse>
        sendMessageStream(dev.herald.v1.SendMessageStreamRequest request) {
      return io.grpc.stub.ClientCalls.blockingV2ServerStreamingCall(
          getChannel(), getSendMessageStreamMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Queues a notification for delivery and returns as soon as its deliveries
     * are durably queued (seed 003), with the accepted and rejected recipients
     * per channel and a reason for each rejection. Also takes recipients by user
     * id and by cluster with template interpolation (seed 001, POST /send).
     * Returns OK, INVALID_ARGUMENT (unknown channel, missing subject or body,
     * body_html for a channel without HTML), FAILED_PRECONDITION (no recipient
     * passed for any channel; the rejections are in the details), NOT_FOUND
     * (template or cluster), UNAUTHENTICATED, PERMISSION_DENIED,
     * RESOURCE_EXHAUSTED.
     * </pre>
     */
    public dev.herald.v1.SendNotificationResponse sendNotification(dev.herald.v1.SendNotificationRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getSendNotificationMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Returns a notification with the state of each of its deliveries.
     * Returns OK, INVALID_ARGUMENT (malformed name), NOT_FOUND,
     * UNAUTHENTICATED, PERMISSION_DENIED.
     * </pre>
     */
    public dev.herald.v1.GetNotificationResponse getNotification(dev.herald.v1.GetNotificationRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getGetNotificationMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Streams a notification: first its current state, then every delivery
     * state change, ending when all deliveries are final. A watcher that
     * connects late misses nothing.
     * Returns OK, INVALID_ARGUMENT, NOT_FOUND, UNAUTHENTICATED,
     * PERMISSION_DENIED, RESOURCE_EXHAUSTED (too many streams).
     * </pre>
     */
    @io.grpc.ExperimentalApi("https://github.com/grpc/grpc-java/issues/10918")
    public io.grpc.stub.BlockingClientCall<?, dev.herald.v1.WatchNotificationResponse>
        watchNotification(dev.herald.v1.WatchNotificationRequest request) {
      return io.grpc.stub.ClientCalls.blockingV2ServerStreamingCall(
          getChannel(), getWatchNotificationMethod(), getCallOptions(), request);
    }
  }

  /**
   * A stub to allow clients to do limited synchronous rpc calls to service DeliveryService.
   * <pre>
   * Sends messages to people over Email, SMS, Push, In-App and Webhook.
   * Every send is written durably (the request and one delivery per recipient
   * and channel, in one transaction) before any channel runs; the RPCs differ
   * only in how long the caller waits. Bad input is INVALID_ARGUMENT with a
   * google.rpc.BadRequest detail (one field violation per problem) and an
   * ErrorInfo reason, and nothing is stored or sent. A channel that fails is a
   * result (success = false), not an RPC error.
   * </pre>
   */
  public static final class DeliveryServiceBlockingStub
      extends io.grpc.stub.AbstractBlockingStub<DeliveryServiceBlockingStub> {
    private DeliveryServiceBlockingStub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected DeliveryServiceBlockingStub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new DeliveryServiceBlockingStub(channel, callOptions);
    }

    /**
     * <pre>
     * Sends one message to one recipient over the requested channels
     * concurrently and waits for every channel's result (bounded by the call's
     * deadline; a delivery still running at the deadline is reported as
     * DELIVERY_STATE_SENDING and goes on in the background).
     * Seed 000: the contact points are given in the request. Seed 002: with
     * user_id (the path of the second binding) the directory supplies them,
     * delivery_method picks email, sms or both, and the content comes from
     * communication_template_id, else message_type, else the custom body.
     * A retry with the same request_id returns the first answer without
     * sending again.
     * Returns OK (even when channels failed), INVALID_ARGUMENT, NOT_FOUND (user
     * or template), UNAUTHENTICATED, PERMISSION_DENIED, RESOURCE_EXHAUSTED,
     * UNAVAILABLE (shutting down).
     * </pre>
     */
    public dev.herald.v1.SendMessageResponse sendMessage(dev.herald.v1.SendMessageRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getSendMessageMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Like SendMessage, but yields each channel's result the moment it
     * completes (a slow channel never delays a fast one's result), then a
     * summary, then ends. Same validation, idempotency and status codes as
     * SendMessage; a replayed request_id streams the recorded results.
     * </pre>
     */
    public java.util.Iterator<dev.herald.v1.SendMessageStreamResponse> sendMessageStream(
        dev.herald.v1.SendMessageStreamRequest request) {
      return io.grpc.stub.ClientCalls.blockingServerStreamingCall(
          getChannel(), getSendMessageStreamMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Queues a notification for delivery and returns as soon as its deliveries
     * are durably queued (seed 003), with the accepted and rejected recipients
     * per channel and a reason for each rejection. Also takes recipients by user
     * id and by cluster with template interpolation (seed 001, POST /send).
     * Returns OK, INVALID_ARGUMENT (unknown channel, missing subject or body,
     * body_html for a channel without HTML), FAILED_PRECONDITION (no recipient
     * passed for any channel; the rejections are in the details), NOT_FOUND
     * (template or cluster), UNAUTHENTICATED, PERMISSION_DENIED,
     * RESOURCE_EXHAUSTED.
     * </pre>
     */
    public dev.herald.v1.SendNotificationResponse sendNotification(dev.herald.v1.SendNotificationRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getSendNotificationMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Returns a notification with the state of each of its deliveries.
     * Returns OK, INVALID_ARGUMENT (malformed name), NOT_FOUND,
     * UNAUTHENTICATED, PERMISSION_DENIED.
     * </pre>
     */
    public dev.herald.v1.GetNotificationResponse getNotification(dev.herald.v1.GetNotificationRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getGetNotificationMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Streams a notification: first its current state, then every delivery
     * state change, ending when all deliveries are final. A watcher that
     * connects late misses nothing.
     * Returns OK, INVALID_ARGUMENT, NOT_FOUND, UNAUTHENTICATED,
     * PERMISSION_DENIED, RESOURCE_EXHAUSTED (too many streams).
     * </pre>
     */
    public java.util.Iterator<dev.herald.v1.WatchNotificationResponse> watchNotification(
        dev.herald.v1.WatchNotificationRequest request) {
      return io.grpc.stub.ClientCalls.blockingServerStreamingCall(
          getChannel(), getWatchNotificationMethod(), getCallOptions(), request);
    }
  }

  /**
   * A stub to allow clients to do ListenableFuture-style rpc calls to service DeliveryService.
   * <pre>
   * Sends messages to people over Email, SMS, Push, In-App and Webhook.
   * Every send is written durably (the request and one delivery per recipient
   * and channel, in one transaction) before any channel runs; the RPCs differ
   * only in how long the caller waits. Bad input is INVALID_ARGUMENT with a
   * google.rpc.BadRequest detail (one field violation per problem) and an
   * ErrorInfo reason, and nothing is stored or sent. A channel that fails is a
   * result (success = false), not an RPC error.
   * </pre>
   */
  public static final class DeliveryServiceFutureStub
      extends io.grpc.stub.AbstractFutureStub<DeliveryServiceFutureStub> {
    private DeliveryServiceFutureStub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected DeliveryServiceFutureStub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new DeliveryServiceFutureStub(channel, callOptions);
    }

    /**
     * <pre>
     * Sends one message to one recipient over the requested channels
     * concurrently and waits for every channel's result (bounded by the call's
     * deadline; a delivery still running at the deadline is reported as
     * DELIVERY_STATE_SENDING and goes on in the background).
     * Seed 000: the contact points are given in the request. Seed 002: with
     * user_id (the path of the second binding) the directory supplies them,
     * delivery_method picks email, sms or both, and the content comes from
     * communication_template_id, else message_type, else the custom body.
     * A retry with the same request_id returns the first answer without
     * sending again.
     * Returns OK (even when channels failed), INVALID_ARGUMENT, NOT_FOUND (user
     * or template), UNAUTHENTICATED, PERMISSION_DENIED, RESOURCE_EXHAUSTED,
     * UNAVAILABLE (shutting down).
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.herald.v1.SendMessageResponse> sendMessage(
        dev.herald.v1.SendMessageRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getSendMessageMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Queues a notification for delivery and returns as soon as its deliveries
     * are durably queued (seed 003), with the accepted and rejected recipients
     * per channel and a reason for each rejection. Also takes recipients by user
     * id and by cluster with template interpolation (seed 001, POST /send).
     * Returns OK, INVALID_ARGUMENT (unknown channel, missing subject or body,
     * body_html for a channel without HTML), FAILED_PRECONDITION (no recipient
     * passed for any channel; the rejections are in the details), NOT_FOUND
     * (template or cluster), UNAUTHENTICATED, PERMISSION_DENIED,
     * RESOURCE_EXHAUSTED.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.herald.v1.SendNotificationResponse> sendNotification(
        dev.herald.v1.SendNotificationRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getSendNotificationMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Returns a notification with the state of each of its deliveries.
     * Returns OK, INVALID_ARGUMENT (malformed name), NOT_FOUND,
     * UNAUTHENTICATED, PERMISSION_DENIED.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.herald.v1.GetNotificationResponse> getNotification(
        dev.herald.v1.GetNotificationRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getGetNotificationMethod(), getCallOptions()), request);
    }
  }

  private static final int METHODID_SEND_MESSAGE = 0;
  private static final int METHODID_SEND_MESSAGE_STREAM = 1;
  private static final int METHODID_SEND_NOTIFICATION = 2;
  private static final int METHODID_GET_NOTIFICATION = 3;
  private static final int METHODID_WATCH_NOTIFICATION = 4;

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
        case METHODID_SEND_MESSAGE:
          serviceImpl.sendMessage((dev.herald.v1.SendMessageRequest) request,
              (io.grpc.stub.StreamObserver<dev.herald.v1.SendMessageResponse>) responseObserver);
          break;
        case METHODID_SEND_MESSAGE_STREAM:
          serviceImpl.sendMessageStream((dev.herald.v1.SendMessageStreamRequest) request,
              (io.grpc.stub.StreamObserver<dev.herald.v1.SendMessageStreamResponse>) responseObserver);
          break;
        case METHODID_SEND_NOTIFICATION:
          serviceImpl.sendNotification((dev.herald.v1.SendNotificationRequest) request,
              (io.grpc.stub.StreamObserver<dev.herald.v1.SendNotificationResponse>) responseObserver);
          break;
        case METHODID_GET_NOTIFICATION:
          serviceImpl.getNotification((dev.herald.v1.GetNotificationRequest) request,
              (io.grpc.stub.StreamObserver<dev.herald.v1.GetNotificationResponse>) responseObserver);
          break;
        case METHODID_WATCH_NOTIFICATION:
          serviceImpl.watchNotification((dev.herald.v1.WatchNotificationRequest) request,
              (io.grpc.stub.StreamObserver<dev.herald.v1.WatchNotificationResponse>) responseObserver);
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
          getSendMessageMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.herald.v1.SendMessageRequest,
              dev.herald.v1.SendMessageResponse>(
                service, METHODID_SEND_MESSAGE)))
        .addMethod(
          getSendMessageStreamMethod(),
          io.grpc.stub.ServerCalls.asyncServerStreamingCall(
            new MethodHandlers<
              dev.herald.v1.SendMessageStreamRequest,
              dev.herald.v1.SendMessageStreamResponse>(
                service, METHODID_SEND_MESSAGE_STREAM)))
        .addMethod(
          getSendNotificationMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.herald.v1.SendNotificationRequest,
              dev.herald.v1.SendNotificationResponse>(
                service, METHODID_SEND_NOTIFICATION)))
        .addMethod(
          getGetNotificationMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.herald.v1.GetNotificationRequest,
              dev.herald.v1.GetNotificationResponse>(
                service, METHODID_GET_NOTIFICATION)))
        .addMethod(
          getWatchNotificationMethod(),
          io.grpc.stub.ServerCalls.asyncServerStreamingCall(
            new MethodHandlers<
              dev.herald.v1.WatchNotificationRequest,
              dev.herald.v1.WatchNotificationResponse>(
                service, METHODID_WATCH_NOTIFICATION)))
        .build();
  }

  private static abstract class DeliveryServiceBaseDescriptorSupplier
      implements io.grpc.protobuf.ProtoFileDescriptorSupplier, io.grpc.protobuf.ProtoServiceDescriptorSupplier {
    DeliveryServiceBaseDescriptorSupplier() {}

    @java.lang.Override
    public com.google.protobuf.Descriptors.FileDescriptor getFileDescriptor() {
      return dev.herald.v1.DeliveryProto.getDescriptor();
    }

    @java.lang.Override
    public com.google.protobuf.Descriptors.ServiceDescriptor getServiceDescriptor() {
      return getFileDescriptor().findServiceByName("DeliveryService");
    }
  }

  private static final class DeliveryServiceFileDescriptorSupplier
      extends DeliveryServiceBaseDescriptorSupplier {
    DeliveryServiceFileDescriptorSupplier() {}
  }

  private static final class DeliveryServiceMethodDescriptorSupplier
      extends DeliveryServiceBaseDescriptorSupplier
      implements io.grpc.protobuf.ProtoMethodDescriptorSupplier {
    private final java.lang.String methodName;

    DeliveryServiceMethodDescriptorSupplier(java.lang.String methodName) {
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
      synchronized (DeliveryServiceGrpc.class) {
        result = serviceDescriptor;
        if (result == null) {
          serviceDescriptor = result = io.grpc.ServiceDescriptor.newBuilder(SERVICE_NAME)
              .setSchemaDescriptor(new DeliveryServiceFileDescriptorSupplier())
              .addMethod(getSendMessageMethod())
              .addMethod(getSendMessageStreamMethod())
              .addMethod(getSendNotificationMethod())
              .addMethod(getGetNotificationMethod())
              .addMethod(getWatchNotificationMethod())
              .build();
        }
      }
    }
    return result;
  }
}
