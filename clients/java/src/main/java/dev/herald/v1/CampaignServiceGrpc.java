package dev.herald.v1;

import static io.grpc.MethodDescriptor.generateFullMethodName;

/**
 * <pre>
 * Stored campaigns and their sends (seed 004).
 * Besides the codes each RPC lists, any call may end RESOURCE_EXHAUSTED
 * (RATE_LIMITED, with HERALD_CALLER_RATE_LIMIT), DEADLINE_EXCEEDED (the call's
 * deadline or HERALD_MAX_CALL_SECONDS; for WatchCampaignSend,
 * HERALD_MAX_STREAM_SECONDS or HERALD_STREAM_IDLE_SECONDS), INVALID_ARGUMENT
 * (MALFORMED_REQUEST: the request does not parse) or UNAVAILABLE
 * (STORE_UNAVAILABLE). PERMISSION_DENIED is a missing scope: by default only
 * admins manage and send campaigns.
 * </pre>
 */
@io.grpc.stub.annotations.GrpcGenerated
public final class CampaignServiceGrpc {

  private CampaignServiceGrpc() {}

  public static final java.lang.String SERVICE_NAME = "herald.v1.CampaignService";

  // Static method descriptors that strictly reflect the proto.
  private static volatile io.grpc.MethodDescriptor<dev.herald.v1.CreateCampaignRequest,
      dev.herald.v1.CreateCampaignResponse> getCreateCampaignMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "CreateCampaign",
      requestType = dev.herald.v1.CreateCampaignRequest.class,
      responseType = dev.herald.v1.CreateCampaignResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.herald.v1.CreateCampaignRequest,
      dev.herald.v1.CreateCampaignResponse> getCreateCampaignMethod() {
    io.grpc.MethodDescriptor<dev.herald.v1.CreateCampaignRequest, dev.herald.v1.CreateCampaignResponse> getCreateCampaignMethod;
    if ((getCreateCampaignMethod = CampaignServiceGrpc.getCreateCampaignMethod) == null) {
      synchronized (CampaignServiceGrpc.class) {
        if ((getCreateCampaignMethod = CampaignServiceGrpc.getCreateCampaignMethod) == null) {
          CampaignServiceGrpc.getCreateCampaignMethod = getCreateCampaignMethod =
              io.grpc.MethodDescriptor.<dev.herald.v1.CreateCampaignRequest, dev.herald.v1.CreateCampaignResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "CreateCampaign"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.herald.v1.CreateCampaignRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.herald.v1.CreateCampaignResponse.getDefaultInstance()))
              .setSchemaDescriptor(new CampaignServiceMethodDescriptorSupplier("CreateCampaign"))
              .build();
        }
      }
    }
    return getCreateCampaignMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.herald.v1.GetCampaignRequest,
      dev.herald.v1.GetCampaignResponse> getGetCampaignMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "GetCampaign",
      requestType = dev.herald.v1.GetCampaignRequest.class,
      responseType = dev.herald.v1.GetCampaignResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.herald.v1.GetCampaignRequest,
      dev.herald.v1.GetCampaignResponse> getGetCampaignMethod() {
    io.grpc.MethodDescriptor<dev.herald.v1.GetCampaignRequest, dev.herald.v1.GetCampaignResponse> getGetCampaignMethod;
    if ((getGetCampaignMethod = CampaignServiceGrpc.getGetCampaignMethod) == null) {
      synchronized (CampaignServiceGrpc.class) {
        if ((getGetCampaignMethod = CampaignServiceGrpc.getGetCampaignMethod) == null) {
          CampaignServiceGrpc.getGetCampaignMethod = getGetCampaignMethod =
              io.grpc.MethodDescriptor.<dev.herald.v1.GetCampaignRequest, dev.herald.v1.GetCampaignResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "GetCampaign"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.herald.v1.GetCampaignRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.herald.v1.GetCampaignResponse.getDefaultInstance()))
              .setSchemaDescriptor(new CampaignServiceMethodDescriptorSupplier("GetCampaign"))
              .build();
        }
      }
    }
    return getGetCampaignMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.herald.v1.ListCampaignsRequest,
      dev.herald.v1.ListCampaignsResponse> getListCampaignsMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "ListCampaigns",
      requestType = dev.herald.v1.ListCampaignsRequest.class,
      responseType = dev.herald.v1.ListCampaignsResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.herald.v1.ListCampaignsRequest,
      dev.herald.v1.ListCampaignsResponse> getListCampaignsMethod() {
    io.grpc.MethodDescriptor<dev.herald.v1.ListCampaignsRequest, dev.herald.v1.ListCampaignsResponse> getListCampaignsMethod;
    if ((getListCampaignsMethod = CampaignServiceGrpc.getListCampaignsMethod) == null) {
      synchronized (CampaignServiceGrpc.class) {
        if ((getListCampaignsMethod = CampaignServiceGrpc.getListCampaignsMethod) == null) {
          CampaignServiceGrpc.getListCampaignsMethod = getListCampaignsMethod =
              io.grpc.MethodDescriptor.<dev.herald.v1.ListCampaignsRequest, dev.herald.v1.ListCampaignsResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "ListCampaigns"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.herald.v1.ListCampaignsRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.herald.v1.ListCampaignsResponse.getDefaultInstance()))
              .setSchemaDescriptor(new CampaignServiceMethodDescriptorSupplier("ListCampaigns"))
              .build();
        }
      }
    }
    return getListCampaignsMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.herald.v1.SendCampaignRequest,
      dev.herald.v1.SendCampaignResponse> getSendCampaignMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "SendCampaign",
      requestType = dev.herald.v1.SendCampaignRequest.class,
      responseType = dev.herald.v1.SendCampaignResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.herald.v1.SendCampaignRequest,
      dev.herald.v1.SendCampaignResponse> getSendCampaignMethod() {
    io.grpc.MethodDescriptor<dev.herald.v1.SendCampaignRequest, dev.herald.v1.SendCampaignResponse> getSendCampaignMethod;
    if ((getSendCampaignMethod = CampaignServiceGrpc.getSendCampaignMethod) == null) {
      synchronized (CampaignServiceGrpc.class) {
        if ((getSendCampaignMethod = CampaignServiceGrpc.getSendCampaignMethod) == null) {
          CampaignServiceGrpc.getSendCampaignMethod = getSendCampaignMethod =
              io.grpc.MethodDescriptor.<dev.herald.v1.SendCampaignRequest, dev.herald.v1.SendCampaignResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "SendCampaign"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.herald.v1.SendCampaignRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.herald.v1.SendCampaignResponse.getDefaultInstance()))
              .setSchemaDescriptor(new CampaignServiceMethodDescriptorSupplier("SendCampaign"))
              .build();
        }
      }
    }
    return getSendCampaignMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.herald.v1.GetCampaignSendRequest,
      dev.herald.v1.GetCampaignSendResponse> getGetCampaignSendMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "GetCampaignSend",
      requestType = dev.herald.v1.GetCampaignSendRequest.class,
      responseType = dev.herald.v1.GetCampaignSendResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.herald.v1.GetCampaignSendRequest,
      dev.herald.v1.GetCampaignSendResponse> getGetCampaignSendMethod() {
    io.grpc.MethodDescriptor<dev.herald.v1.GetCampaignSendRequest, dev.herald.v1.GetCampaignSendResponse> getGetCampaignSendMethod;
    if ((getGetCampaignSendMethod = CampaignServiceGrpc.getGetCampaignSendMethod) == null) {
      synchronized (CampaignServiceGrpc.class) {
        if ((getGetCampaignSendMethod = CampaignServiceGrpc.getGetCampaignSendMethod) == null) {
          CampaignServiceGrpc.getGetCampaignSendMethod = getGetCampaignSendMethod =
              io.grpc.MethodDescriptor.<dev.herald.v1.GetCampaignSendRequest, dev.herald.v1.GetCampaignSendResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "GetCampaignSend"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.herald.v1.GetCampaignSendRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.herald.v1.GetCampaignSendResponse.getDefaultInstance()))
              .setSchemaDescriptor(new CampaignServiceMethodDescriptorSupplier("GetCampaignSend"))
              .build();
        }
      }
    }
    return getGetCampaignSendMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.herald.v1.WatchCampaignSendRequest,
      dev.herald.v1.WatchCampaignSendResponse> getWatchCampaignSendMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "WatchCampaignSend",
      requestType = dev.herald.v1.WatchCampaignSendRequest.class,
      responseType = dev.herald.v1.WatchCampaignSendResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.SERVER_STREAMING)
  public static io.grpc.MethodDescriptor<dev.herald.v1.WatchCampaignSendRequest,
      dev.herald.v1.WatchCampaignSendResponse> getWatchCampaignSendMethod() {
    io.grpc.MethodDescriptor<dev.herald.v1.WatchCampaignSendRequest, dev.herald.v1.WatchCampaignSendResponse> getWatchCampaignSendMethod;
    if ((getWatchCampaignSendMethod = CampaignServiceGrpc.getWatchCampaignSendMethod) == null) {
      synchronized (CampaignServiceGrpc.class) {
        if ((getWatchCampaignSendMethod = CampaignServiceGrpc.getWatchCampaignSendMethod) == null) {
          CampaignServiceGrpc.getWatchCampaignSendMethod = getWatchCampaignSendMethod =
              io.grpc.MethodDescriptor.<dev.herald.v1.WatchCampaignSendRequest, dev.herald.v1.WatchCampaignSendResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.SERVER_STREAMING)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "WatchCampaignSend"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.herald.v1.WatchCampaignSendRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.herald.v1.WatchCampaignSendResponse.getDefaultInstance()))
              .setSchemaDescriptor(new CampaignServiceMethodDescriptorSupplier("WatchCampaignSend"))
              .build();
        }
      }
    }
    return getWatchCampaignSendMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.herald.v1.CancelCampaignSendRequest,
      dev.herald.v1.CancelCampaignSendResponse> getCancelCampaignSendMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "CancelCampaignSend",
      requestType = dev.herald.v1.CancelCampaignSendRequest.class,
      responseType = dev.herald.v1.CancelCampaignSendResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.herald.v1.CancelCampaignSendRequest,
      dev.herald.v1.CancelCampaignSendResponse> getCancelCampaignSendMethod() {
    io.grpc.MethodDescriptor<dev.herald.v1.CancelCampaignSendRequest, dev.herald.v1.CancelCampaignSendResponse> getCancelCampaignSendMethod;
    if ((getCancelCampaignSendMethod = CampaignServiceGrpc.getCancelCampaignSendMethod) == null) {
      synchronized (CampaignServiceGrpc.class) {
        if ((getCancelCampaignSendMethod = CampaignServiceGrpc.getCancelCampaignSendMethod) == null) {
          CampaignServiceGrpc.getCancelCampaignSendMethod = getCancelCampaignSendMethod =
              io.grpc.MethodDescriptor.<dev.herald.v1.CancelCampaignSendRequest, dev.herald.v1.CancelCampaignSendResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "CancelCampaignSend"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.herald.v1.CancelCampaignSendRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.herald.v1.CancelCampaignSendResponse.getDefaultInstance()))
              .setSchemaDescriptor(new CampaignServiceMethodDescriptorSupplier("CancelCampaignSend"))
              .build();
        }
      }
    }
    return getCancelCampaignSendMethod;
  }

  /**
   * Creates a new async stub that supports all call types for the service
   */
  public static CampaignServiceStub newStub(io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<CampaignServiceStub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<CampaignServiceStub>() {
        @java.lang.Override
        public CampaignServiceStub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new CampaignServiceStub(channel, callOptions);
        }
      };
    return CampaignServiceStub.newStub(factory, channel);
  }

  /**
   * Creates a new blocking-style stub that supports all types of calls on the service
   */
  public static CampaignServiceBlockingV2Stub newBlockingV2Stub(
      io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<CampaignServiceBlockingV2Stub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<CampaignServiceBlockingV2Stub>() {
        @java.lang.Override
        public CampaignServiceBlockingV2Stub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new CampaignServiceBlockingV2Stub(channel, callOptions);
        }
      };
    return CampaignServiceBlockingV2Stub.newStub(factory, channel);
  }

  /**
   * Creates a new blocking-style stub that supports unary and streaming output calls on the service
   */
  public static CampaignServiceBlockingStub newBlockingStub(
      io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<CampaignServiceBlockingStub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<CampaignServiceBlockingStub>() {
        @java.lang.Override
        public CampaignServiceBlockingStub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new CampaignServiceBlockingStub(channel, callOptions);
        }
      };
    return CampaignServiceBlockingStub.newStub(factory, channel);
  }

  /**
   * Creates a new ListenableFuture-style stub that supports unary calls on the service
   */
  public static CampaignServiceFutureStub newFutureStub(
      io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<CampaignServiceFutureStub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<CampaignServiceFutureStub>() {
        @java.lang.Override
        public CampaignServiceFutureStub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new CampaignServiceFutureStub(channel, callOptions);
        }
      };
    return CampaignServiceFutureStub.newStub(factory, channel);
  }

  /**
   * <pre>
   * Stored campaigns and their sends (seed 004).
   * Besides the codes each RPC lists, any call may end RESOURCE_EXHAUSTED
   * (RATE_LIMITED, with HERALD_CALLER_RATE_LIMIT), DEADLINE_EXCEEDED (the call's
   * deadline or HERALD_MAX_CALL_SECONDS; for WatchCampaignSend,
   * HERALD_MAX_STREAM_SECONDS or HERALD_STREAM_IDLE_SECONDS), INVALID_ARGUMENT
   * (MALFORMED_REQUEST: the request does not parse) or UNAVAILABLE
   * (STORE_UNAVAILABLE). PERMISSION_DENIED is a missing scope: by default only
   * admins manage and send campaigns.
   * </pre>
   */
  public interface AsyncService {

    /**
     * <pre>
     * Stores a campaign. Returns OK, INVALID_ARGUMENT (field violations on
     * campaign.*), ALREADY_EXISTS (CAMPAIGN_EXISTS: id taken), NOT_FOUND
     * (template), UNAUTHENTICATED, PERMISSION_DENIED.
     * </pre>
     */
    default void createCampaign(dev.herald.v1.CreateCampaignRequest request,
        io.grpc.stub.StreamObserver<dev.herald.v1.CreateCampaignResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getCreateCampaignMethod(), responseObserver);
    }

    /**
     * <pre>
     * Returns a campaign. Returns OK, NOT_FOUND, UNAUTHENTICATED, PERMISSION_DENIED.
     * </pre>
     */
    default void getCampaign(dev.herald.v1.GetCampaignRequest request,
        io.grpc.stub.StreamObserver<dev.herald.v1.GetCampaignResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getGetCampaignMethod(), responseObserver);
    }

    /**
     * <pre>
     * Lists campaigns, newest first, paginated (AIP-158). Returns OK,
     * INVALID_ARGUMENT (negative page_size, a page_token this listing did not
     * return), UNAUTHENTICATED, PERMISSION_DENIED.
     * </pre>
     */
    default void listCampaigns(dev.herald.v1.ListCampaignsRequest request,
        io.grpc.stub.StreamObserver<dev.herald.v1.ListCampaignsResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getListCampaignsMethod(), responseObserver);
    }

    /**
     * <pre>
     * Sends a stored campaign to recipients and returns the send record as
     * soon as the send is durably queued; recipients are queued in batches and
     * delivered in the bulk lane. A retry with the same request_id returns the
     * same send. Returns OK, INVALID_ARGUMENT (recipients, request_id),
     * NOT_FOUND (campaign), ALREADY_EXISTS (CAMPAIGN_ALREADY_SENT: the campaign
     * was already sent, HTTP 409; REQUEST_ID_REUSED: the request_id was used for
     * a different request), FAILED_PRECONDITION (the campaign's template, with
     * nothing queued: TEMPLATE_NOT_FOUND, deleted since; TEMPLATE_RENDER_FAILED,
     * it does not render the campaign's data or renders a part the campaign's
     * channels need empty; TEMPLATE_TOO_EXPENSIVE, its render is over budget),
     * UNAUTHENTICATED, PERMISSION_DENIED.
     * </pre>
     */
    default void sendCampaign(dev.herald.v1.SendCampaignRequest request,
        io.grpc.stub.StreamObserver<dev.herald.v1.SendCampaignResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getSendCampaignMethod(), responseObserver);
    }

    /**
     * <pre>
     * Returns a campaign send's record. Returns OK, NOT_FOUND,
     * UNAUTHENTICATED, PERMISSION_DENIED.
     * </pre>
     */
    default void getCampaignSend(dev.herald.v1.GetCampaignSendRequest request,
        io.grpc.stub.StreamObserver<dev.herald.v1.GetCampaignSendResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getGetCampaignSendMethod(), responseObserver);
    }

    /**
     * <pre>
     * Streams a campaign send's progress (current record first, then changes
     * at a bounded rate), ending when the send is completed or cancelled.
     * Returns OK, NOT_FOUND, UNAUTHENTICATED, PERMISSION_DENIED,
     * RESOURCE_EXHAUSTED (TOO_MANY_STREAMS: HERALD_MAX_STREAMS_PER_CALLER).
     * </pre>
     */
    default void watchCampaignSend(dev.herald.v1.WatchCampaignSendRequest request,
        io.grpc.stub.StreamObserver<dev.herald.v1.WatchCampaignSendResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getWatchCampaignSendMethod(), responseObserver);
    }

    /**
     * <pre>
     * Cancels a campaign send: its deliveries not yet made are cancelled.
     * Cancelling a cancelled send returns it as it stands. Returns OK, NOT_FOUND,
     * FAILED_PRECONDITION (CAMPAIGN_SEND_COMPLETED), UNAUTHENTICATED,
     * PERMISSION_DENIED.
     * </pre>
     */
    default void cancelCampaignSend(dev.herald.v1.CancelCampaignSendRequest request,
        io.grpc.stub.StreamObserver<dev.herald.v1.CancelCampaignSendResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getCancelCampaignSendMethod(), responseObserver);
    }
  }

  /**
   * Base class for the server implementation of the service CampaignService.
   * <pre>
   * Stored campaigns and their sends (seed 004).
   * Besides the codes each RPC lists, any call may end RESOURCE_EXHAUSTED
   * (RATE_LIMITED, with HERALD_CALLER_RATE_LIMIT), DEADLINE_EXCEEDED (the call's
   * deadline or HERALD_MAX_CALL_SECONDS; for WatchCampaignSend,
   * HERALD_MAX_STREAM_SECONDS or HERALD_STREAM_IDLE_SECONDS), INVALID_ARGUMENT
   * (MALFORMED_REQUEST: the request does not parse) or UNAVAILABLE
   * (STORE_UNAVAILABLE). PERMISSION_DENIED is a missing scope: by default only
   * admins manage and send campaigns.
   * </pre>
   */
  public static abstract class CampaignServiceImplBase
      implements io.grpc.BindableService, AsyncService {

    @java.lang.Override public final io.grpc.ServerServiceDefinition bindService() {
      return CampaignServiceGrpc.bindService(this);
    }
  }

  /**
   * A stub to allow clients to do asynchronous rpc calls to service CampaignService.
   * <pre>
   * Stored campaigns and their sends (seed 004).
   * Besides the codes each RPC lists, any call may end RESOURCE_EXHAUSTED
   * (RATE_LIMITED, with HERALD_CALLER_RATE_LIMIT), DEADLINE_EXCEEDED (the call's
   * deadline or HERALD_MAX_CALL_SECONDS; for WatchCampaignSend,
   * HERALD_MAX_STREAM_SECONDS or HERALD_STREAM_IDLE_SECONDS), INVALID_ARGUMENT
   * (MALFORMED_REQUEST: the request does not parse) or UNAVAILABLE
   * (STORE_UNAVAILABLE). PERMISSION_DENIED is a missing scope: by default only
   * admins manage and send campaigns.
   * </pre>
   */
  public static final class CampaignServiceStub
      extends io.grpc.stub.AbstractAsyncStub<CampaignServiceStub> {
    private CampaignServiceStub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected CampaignServiceStub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new CampaignServiceStub(channel, callOptions);
    }

    /**
     * <pre>
     * Stores a campaign. Returns OK, INVALID_ARGUMENT (field violations on
     * campaign.*), ALREADY_EXISTS (CAMPAIGN_EXISTS: id taken), NOT_FOUND
     * (template), UNAUTHENTICATED, PERMISSION_DENIED.
     * </pre>
     */
    public void createCampaign(dev.herald.v1.CreateCampaignRequest request,
        io.grpc.stub.StreamObserver<dev.herald.v1.CreateCampaignResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getCreateCampaignMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Returns a campaign. Returns OK, NOT_FOUND, UNAUTHENTICATED, PERMISSION_DENIED.
     * </pre>
     */
    public void getCampaign(dev.herald.v1.GetCampaignRequest request,
        io.grpc.stub.StreamObserver<dev.herald.v1.GetCampaignResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getGetCampaignMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Lists campaigns, newest first, paginated (AIP-158). Returns OK,
     * INVALID_ARGUMENT (negative page_size, a page_token this listing did not
     * return), UNAUTHENTICATED, PERMISSION_DENIED.
     * </pre>
     */
    public void listCampaigns(dev.herald.v1.ListCampaignsRequest request,
        io.grpc.stub.StreamObserver<dev.herald.v1.ListCampaignsResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getListCampaignsMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Sends a stored campaign to recipients and returns the send record as
     * soon as the send is durably queued; recipients are queued in batches and
     * delivered in the bulk lane. A retry with the same request_id returns the
     * same send. Returns OK, INVALID_ARGUMENT (recipients, request_id),
     * NOT_FOUND (campaign), ALREADY_EXISTS (CAMPAIGN_ALREADY_SENT: the campaign
     * was already sent, HTTP 409; REQUEST_ID_REUSED: the request_id was used for
     * a different request), FAILED_PRECONDITION (the campaign's template, with
     * nothing queued: TEMPLATE_NOT_FOUND, deleted since; TEMPLATE_RENDER_FAILED,
     * it does not render the campaign's data or renders a part the campaign's
     * channels need empty; TEMPLATE_TOO_EXPENSIVE, its render is over budget),
     * UNAUTHENTICATED, PERMISSION_DENIED.
     * </pre>
     */
    public void sendCampaign(dev.herald.v1.SendCampaignRequest request,
        io.grpc.stub.StreamObserver<dev.herald.v1.SendCampaignResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getSendCampaignMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Returns a campaign send's record. Returns OK, NOT_FOUND,
     * UNAUTHENTICATED, PERMISSION_DENIED.
     * </pre>
     */
    public void getCampaignSend(dev.herald.v1.GetCampaignSendRequest request,
        io.grpc.stub.StreamObserver<dev.herald.v1.GetCampaignSendResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getGetCampaignSendMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Streams a campaign send's progress (current record first, then changes
     * at a bounded rate), ending when the send is completed or cancelled.
     * Returns OK, NOT_FOUND, UNAUTHENTICATED, PERMISSION_DENIED,
     * RESOURCE_EXHAUSTED (TOO_MANY_STREAMS: HERALD_MAX_STREAMS_PER_CALLER).
     * </pre>
     */
    public void watchCampaignSend(dev.herald.v1.WatchCampaignSendRequest request,
        io.grpc.stub.StreamObserver<dev.herald.v1.WatchCampaignSendResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncServerStreamingCall(
          getChannel().newCall(getWatchCampaignSendMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Cancels a campaign send: its deliveries not yet made are cancelled.
     * Cancelling a cancelled send returns it as it stands. Returns OK, NOT_FOUND,
     * FAILED_PRECONDITION (CAMPAIGN_SEND_COMPLETED), UNAUTHENTICATED,
     * PERMISSION_DENIED.
     * </pre>
     */
    public void cancelCampaignSend(dev.herald.v1.CancelCampaignSendRequest request,
        io.grpc.stub.StreamObserver<dev.herald.v1.CancelCampaignSendResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getCancelCampaignSendMethod(), getCallOptions()), request, responseObserver);
    }
  }

  /**
   * A stub to allow clients to do synchronous rpc calls to service CampaignService.
   * <pre>
   * Stored campaigns and their sends (seed 004).
   * Besides the codes each RPC lists, any call may end RESOURCE_EXHAUSTED
   * (RATE_LIMITED, with HERALD_CALLER_RATE_LIMIT), DEADLINE_EXCEEDED (the call's
   * deadline or HERALD_MAX_CALL_SECONDS; for WatchCampaignSend,
   * HERALD_MAX_STREAM_SECONDS or HERALD_STREAM_IDLE_SECONDS), INVALID_ARGUMENT
   * (MALFORMED_REQUEST: the request does not parse) or UNAVAILABLE
   * (STORE_UNAVAILABLE). PERMISSION_DENIED is a missing scope: by default only
   * admins manage and send campaigns.
   * </pre>
   */
  public static final class CampaignServiceBlockingV2Stub
      extends io.grpc.stub.AbstractBlockingStub<CampaignServiceBlockingV2Stub> {
    private CampaignServiceBlockingV2Stub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected CampaignServiceBlockingV2Stub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new CampaignServiceBlockingV2Stub(channel, callOptions);
    }

    /**
     * <pre>
     * Stores a campaign. Returns OK, INVALID_ARGUMENT (field violations on
     * campaign.*), ALREADY_EXISTS (CAMPAIGN_EXISTS: id taken), NOT_FOUND
     * (template), UNAUTHENTICATED, PERMISSION_DENIED.
     * </pre>
     */
    public dev.herald.v1.CreateCampaignResponse createCampaign(dev.herald.v1.CreateCampaignRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getCreateCampaignMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Returns a campaign. Returns OK, NOT_FOUND, UNAUTHENTICATED, PERMISSION_DENIED.
     * </pre>
     */
    public dev.herald.v1.GetCampaignResponse getCampaign(dev.herald.v1.GetCampaignRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getGetCampaignMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Lists campaigns, newest first, paginated (AIP-158). Returns OK,
     * INVALID_ARGUMENT (negative page_size, a page_token this listing did not
     * return), UNAUTHENTICATED, PERMISSION_DENIED.
     * </pre>
     */
    public dev.herald.v1.ListCampaignsResponse listCampaigns(dev.herald.v1.ListCampaignsRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getListCampaignsMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Sends a stored campaign to recipients and returns the send record as
     * soon as the send is durably queued; recipients are queued in batches and
     * delivered in the bulk lane. A retry with the same request_id returns the
     * same send. Returns OK, INVALID_ARGUMENT (recipients, request_id),
     * NOT_FOUND (campaign), ALREADY_EXISTS (CAMPAIGN_ALREADY_SENT: the campaign
     * was already sent, HTTP 409; REQUEST_ID_REUSED: the request_id was used for
     * a different request), FAILED_PRECONDITION (the campaign's template, with
     * nothing queued: TEMPLATE_NOT_FOUND, deleted since; TEMPLATE_RENDER_FAILED,
     * it does not render the campaign's data or renders a part the campaign's
     * channels need empty; TEMPLATE_TOO_EXPENSIVE, its render is over budget),
     * UNAUTHENTICATED, PERMISSION_DENIED.
     * </pre>
     */
    public dev.herald.v1.SendCampaignResponse sendCampaign(dev.herald.v1.SendCampaignRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getSendCampaignMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Returns a campaign send's record. Returns OK, NOT_FOUND,
     * UNAUTHENTICATED, PERMISSION_DENIED.
     * </pre>
     */
    public dev.herald.v1.GetCampaignSendResponse getCampaignSend(dev.herald.v1.GetCampaignSendRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getGetCampaignSendMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Streams a campaign send's progress (current record first, then changes
     * at a bounded rate), ending when the send is completed or cancelled.
     * Returns OK, NOT_FOUND, UNAUTHENTICATED, PERMISSION_DENIED,
     * RESOURCE_EXHAUSTED (TOO_MANY_STREAMS: HERALD_MAX_STREAMS_PER_CALLER).
     * </pre>
     */
    @io.grpc.ExperimentalApi("https://github.com/grpc/grpc-java/issues/10918")
    public io.grpc.stub.BlockingClientCall<?, dev.herald.v1.WatchCampaignSendResponse>
        watchCampaignSend(dev.herald.v1.WatchCampaignSendRequest request) {
      return io.grpc.stub.ClientCalls.blockingV2ServerStreamingCall(
          getChannel(), getWatchCampaignSendMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Cancels a campaign send: its deliveries not yet made are cancelled.
     * Cancelling a cancelled send returns it as it stands. Returns OK, NOT_FOUND,
     * FAILED_PRECONDITION (CAMPAIGN_SEND_COMPLETED), UNAUTHENTICATED,
     * PERMISSION_DENIED.
     * </pre>
     */
    public dev.herald.v1.CancelCampaignSendResponse cancelCampaignSend(dev.herald.v1.CancelCampaignSendRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getCancelCampaignSendMethod(), getCallOptions(), request);
    }
  }

  /**
   * A stub to allow clients to do limited synchronous rpc calls to service CampaignService.
   * <pre>
   * Stored campaigns and their sends (seed 004).
   * Besides the codes each RPC lists, any call may end RESOURCE_EXHAUSTED
   * (RATE_LIMITED, with HERALD_CALLER_RATE_LIMIT), DEADLINE_EXCEEDED (the call's
   * deadline or HERALD_MAX_CALL_SECONDS; for WatchCampaignSend,
   * HERALD_MAX_STREAM_SECONDS or HERALD_STREAM_IDLE_SECONDS), INVALID_ARGUMENT
   * (MALFORMED_REQUEST: the request does not parse) or UNAVAILABLE
   * (STORE_UNAVAILABLE). PERMISSION_DENIED is a missing scope: by default only
   * admins manage and send campaigns.
   * </pre>
   */
  public static final class CampaignServiceBlockingStub
      extends io.grpc.stub.AbstractBlockingStub<CampaignServiceBlockingStub> {
    private CampaignServiceBlockingStub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected CampaignServiceBlockingStub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new CampaignServiceBlockingStub(channel, callOptions);
    }

    /**
     * <pre>
     * Stores a campaign. Returns OK, INVALID_ARGUMENT (field violations on
     * campaign.*), ALREADY_EXISTS (CAMPAIGN_EXISTS: id taken), NOT_FOUND
     * (template), UNAUTHENTICATED, PERMISSION_DENIED.
     * </pre>
     */
    public dev.herald.v1.CreateCampaignResponse createCampaign(dev.herald.v1.CreateCampaignRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getCreateCampaignMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Returns a campaign. Returns OK, NOT_FOUND, UNAUTHENTICATED, PERMISSION_DENIED.
     * </pre>
     */
    public dev.herald.v1.GetCampaignResponse getCampaign(dev.herald.v1.GetCampaignRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getGetCampaignMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Lists campaigns, newest first, paginated (AIP-158). Returns OK,
     * INVALID_ARGUMENT (negative page_size, a page_token this listing did not
     * return), UNAUTHENTICATED, PERMISSION_DENIED.
     * </pre>
     */
    public dev.herald.v1.ListCampaignsResponse listCampaigns(dev.herald.v1.ListCampaignsRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getListCampaignsMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Sends a stored campaign to recipients and returns the send record as
     * soon as the send is durably queued; recipients are queued in batches and
     * delivered in the bulk lane. A retry with the same request_id returns the
     * same send. Returns OK, INVALID_ARGUMENT (recipients, request_id),
     * NOT_FOUND (campaign), ALREADY_EXISTS (CAMPAIGN_ALREADY_SENT: the campaign
     * was already sent, HTTP 409; REQUEST_ID_REUSED: the request_id was used for
     * a different request), FAILED_PRECONDITION (the campaign's template, with
     * nothing queued: TEMPLATE_NOT_FOUND, deleted since; TEMPLATE_RENDER_FAILED,
     * it does not render the campaign's data or renders a part the campaign's
     * channels need empty; TEMPLATE_TOO_EXPENSIVE, its render is over budget),
     * UNAUTHENTICATED, PERMISSION_DENIED.
     * </pre>
     */
    public dev.herald.v1.SendCampaignResponse sendCampaign(dev.herald.v1.SendCampaignRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getSendCampaignMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Returns a campaign send's record. Returns OK, NOT_FOUND,
     * UNAUTHENTICATED, PERMISSION_DENIED.
     * </pre>
     */
    public dev.herald.v1.GetCampaignSendResponse getCampaignSend(dev.herald.v1.GetCampaignSendRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getGetCampaignSendMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Streams a campaign send's progress (current record first, then changes
     * at a bounded rate), ending when the send is completed or cancelled.
     * Returns OK, NOT_FOUND, UNAUTHENTICATED, PERMISSION_DENIED,
     * RESOURCE_EXHAUSTED (TOO_MANY_STREAMS: HERALD_MAX_STREAMS_PER_CALLER).
     * </pre>
     */
    public java.util.Iterator<dev.herald.v1.WatchCampaignSendResponse> watchCampaignSend(
        dev.herald.v1.WatchCampaignSendRequest request) {
      return io.grpc.stub.ClientCalls.blockingServerStreamingCall(
          getChannel(), getWatchCampaignSendMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Cancels a campaign send: its deliveries not yet made are cancelled.
     * Cancelling a cancelled send returns it as it stands. Returns OK, NOT_FOUND,
     * FAILED_PRECONDITION (CAMPAIGN_SEND_COMPLETED), UNAUTHENTICATED,
     * PERMISSION_DENIED.
     * </pre>
     */
    public dev.herald.v1.CancelCampaignSendResponse cancelCampaignSend(dev.herald.v1.CancelCampaignSendRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getCancelCampaignSendMethod(), getCallOptions(), request);
    }
  }

  /**
   * A stub to allow clients to do ListenableFuture-style rpc calls to service CampaignService.
   * <pre>
   * Stored campaigns and their sends (seed 004).
   * Besides the codes each RPC lists, any call may end RESOURCE_EXHAUSTED
   * (RATE_LIMITED, with HERALD_CALLER_RATE_LIMIT), DEADLINE_EXCEEDED (the call's
   * deadline or HERALD_MAX_CALL_SECONDS; for WatchCampaignSend,
   * HERALD_MAX_STREAM_SECONDS or HERALD_STREAM_IDLE_SECONDS), INVALID_ARGUMENT
   * (MALFORMED_REQUEST: the request does not parse) or UNAVAILABLE
   * (STORE_UNAVAILABLE). PERMISSION_DENIED is a missing scope: by default only
   * admins manage and send campaigns.
   * </pre>
   */
  public static final class CampaignServiceFutureStub
      extends io.grpc.stub.AbstractFutureStub<CampaignServiceFutureStub> {
    private CampaignServiceFutureStub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected CampaignServiceFutureStub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new CampaignServiceFutureStub(channel, callOptions);
    }

    /**
     * <pre>
     * Stores a campaign. Returns OK, INVALID_ARGUMENT (field violations on
     * campaign.*), ALREADY_EXISTS (CAMPAIGN_EXISTS: id taken), NOT_FOUND
     * (template), UNAUTHENTICATED, PERMISSION_DENIED.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.herald.v1.CreateCampaignResponse> createCampaign(
        dev.herald.v1.CreateCampaignRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getCreateCampaignMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Returns a campaign. Returns OK, NOT_FOUND, UNAUTHENTICATED, PERMISSION_DENIED.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.herald.v1.GetCampaignResponse> getCampaign(
        dev.herald.v1.GetCampaignRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getGetCampaignMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Lists campaigns, newest first, paginated (AIP-158). Returns OK,
     * INVALID_ARGUMENT (negative page_size, a page_token this listing did not
     * return), UNAUTHENTICATED, PERMISSION_DENIED.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.herald.v1.ListCampaignsResponse> listCampaigns(
        dev.herald.v1.ListCampaignsRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getListCampaignsMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Sends a stored campaign to recipients and returns the send record as
     * soon as the send is durably queued; recipients are queued in batches and
     * delivered in the bulk lane. A retry with the same request_id returns the
     * same send. Returns OK, INVALID_ARGUMENT (recipients, request_id),
     * NOT_FOUND (campaign), ALREADY_EXISTS (CAMPAIGN_ALREADY_SENT: the campaign
     * was already sent, HTTP 409; REQUEST_ID_REUSED: the request_id was used for
     * a different request), FAILED_PRECONDITION (the campaign's template, with
     * nothing queued: TEMPLATE_NOT_FOUND, deleted since; TEMPLATE_RENDER_FAILED,
     * it does not render the campaign's data or renders a part the campaign's
     * channels need empty; TEMPLATE_TOO_EXPENSIVE, its render is over budget),
     * UNAUTHENTICATED, PERMISSION_DENIED.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.herald.v1.SendCampaignResponse> sendCampaign(
        dev.herald.v1.SendCampaignRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getSendCampaignMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Returns a campaign send's record. Returns OK, NOT_FOUND,
     * UNAUTHENTICATED, PERMISSION_DENIED.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.herald.v1.GetCampaignSendResponse> getCampaignSend(
        dev.herald.v1.GetCampaignSendRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getGetCampaignSendMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Cancels a campaign send: its deliveries not yet made are cancelled.
     * Cancelling a cancelled send returns it as it stands. Returns OK, NOT_FOUND,
     * FAILED_PRECONDITION (CAMPAIGN_SEND_COMPLETED), UNAUTHENTICATED,
     * PERMISSION_DENIED.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.herald.v1.CancelCampaignSendResponse> cancelCampaignSend(
        dev.herald.v1.CancelCampaignSendRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getCancelCampaignSendMethod(), getCallOptions()), request);
    }
  }

  private static final int METHODID_CREATE_CAMPAIGN = 0;
  private static final int METHODID_GET_CAMPAIGN = 1;
  private static final int METHODID_LIST_CAMPAIGNS = 2;
  private static final int METHODID_SEND_CAMPAIGN = 3;
  private static final int METHODID_GET_CAMPAIGN_SEND = 4;
  private static final int METHODID_WATCH_CAMPAIGN_SEND = 5;
  private static final int METHODID_CANCEL_CAMPAIGN_SEND = 6;

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
        case METHODID_CREATE_CAMPAIGN:
          serviceImpl.createCampaign((dev.herald.v1.CreateCampaignRequest) request,
              (io.grpc.stub.StreamObserver<dev.herald.v1.CreateCampaignResponse>) responseObserver);
          break;
        case METHODID_GET_CAMPAIGN:
          serviceImpl.getCampaign((dev.herald.v1.GetCampaignRequest) request,
              (io.grpc.stub.StreamObserver<dev.herald.v1.GetCampaignResponse>) responseObserver);
          break;
        case METHODID_LIST_CAMPAIGNS:
          serviceImpl.listCampaigns((dev.herald.v1.ListCampaignsRequest) request,
              (io.grpc.stub.StreamObserver<dev.herald.v1.ListCampaignsResponse>) responseObserver);
          break;
        case METHODID_SEND_CAMPAIGN:
          serviceImpl.sendCampaign((dev.herald.v1.SendCampaignRequest) request,
              (io.grpc.stub.StreamObserver<dev.herald.v1.SendCampaignResponse>) responseObserver);
          break;
        case METHODID_GET_CAMPAIGN_SEND:
          serviceImpl.getCampaignSend((dev.herald.v1.GetCampaignSendRequest) request,
              (io.grpc.stub.StreamObserver<dev.herald.v1.GetCampaignSendResponse>) responseObserver);
          break;
        case METHODID_WATCH_CAMPAIGN_SEND:
          serviceImpl.watchCampaignSend((dev.herald.v1.WatchCampaignSendRequest) request,
              (io.grpc.stub.StreamObserver<dev.herald.v1.WatchCampaignSendResponse>) responseObserver);
          break;
        case METHODID_CANCEL_CAMPAIGN_SEND:
          serviceImpl.cancelCampaignSend((dev.herald.v1.CancelCampaignSendRequest) request,
              (io.grpc.stub.StreamObserver<dev.herald.v1.CancelCampaignSendResponse>) responseObserver);
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
          getCreateCampaignMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.herald.v1.CreateCampaignRequest,
              dev.herald.v1.CreateCampaignResponse>(
                service, METHODID_CREATE_CAMPAIGN)))
        .addMethod(
          getGetCampaignMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.herald.v1.GetCampaignRequest,
              dev.herald.v1.GetCampaignResponse>(
                service, METHODID_GET_CAMPAIGN)))
        .addMethod(
          getListCampaignsMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.herald.v1.ListCampaignsRequest,
              dev.herald.v1.ListCampaignsResponse>(
                service, METHODID_LIST_CAMPAIGNS)))
        .addMethod(
          getSendCampaignMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.herald.v1.SendCampaignRequest,
              dev.herald.v1.SendCampaignResponse>(
                service, METHODID_SEND_CAMPAIGN)))
        .addMethod(
          getGetCampaignSendMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.herald.v1.GetCampaignSendRequest,
              dev.herald.v1.GetCampaignSendResponse>(
                service, METHODID_GET_CAMPAIGN_SEND)))
        .addMethod(
          getWatchCampaignSendMethod(),
          io.grpc.stub.ServerCalls.asyncServerStreamingCall(
            new MethodHandlers<
              dev.herald.v1.WatchCampaignSendRequest,
              dev.herald.v1.WatchCampaignSendResponse>(
                service, METHODID_WATCH_CAMPAIGN_SEND)))
        .addMethod(
          getCancelCampaignSendMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.herald.v1.CancelCampaignSendRequest,
              dev.herald.v1.CancelCampaignSendResponse>(
                service, METHODID_CANCEL_CAMPAIGN_SEND)))
        .build();
  }

  private static abstract class CampaignServiceBaseDescriptorSupplier
      implements io.grpc.protobuf.ProtoFileDescriptorSupplier, io.grpc.protobuf.ProtoServiceDescriptorSupplier {
    CampaignServiceBaseDescriptorSupplier() {}

    @java.lang.Override
    public com.google.protobuf.Descriptors.FileDescriptor getFileDescriptor() {
      return dev.herald.v1.CampaignProto.getDescriptor();
    }

    @java.lang.Override
    public com.google.protobuf.Descriptors.ServiceDescriptor getServiceDescriptor() {
      return getFileDescriptor().findServiceByName("CampaignService");
    }
  }

  private static final class CampaignServiceFileDescriptorSupplier
      extends CampaignServiceBaseDescriptorSupplier {
    CampaignServiceFileDescriptorSupplier() {}
  }

  private static final class CampaignServiceMethodDescriptorSupplier
      extends CampaignServiceBaseDescriptorSupplier
      implements io.grpc.protobuf.ProtoMethodDescriptorSupplier {
    private final java.lang.String methodName;

    CampaignServiceMethodDescriptorSupplier(java.lang.String methodName) {
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
      synchronized (CampaignServiceGrpc.class) {
        result = serviceDescriptor;
        if (result == null) {
          serviceDescriptor = result = io.grpc.ServiceDescriptor.newBuilder(SERVICE_NAME)
              .setSchemaDescriptor(new CampaignServiceFileDescriptorSupplier())
              .addMethod(getCreateCampaignMethod())
              .addMethod(getGetCampaignMethod())
              .addMethod(getListCampaignsMethod())
              .addMethod(getSendCampaignMethod())
              .addMethod(getGetCampaignSendMethod())
              .addMethod(getWatchCampaignSendMethod())
              .addMethod(getCancelCampaignSendMethod())
              .build();
        }
      }
    }
    return result;
  }
}
