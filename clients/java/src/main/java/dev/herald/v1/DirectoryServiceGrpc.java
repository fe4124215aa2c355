package dev.herald.v1;

import static io.grpc.MethodDescriptor.generateFullMethodName;

/**
 * <pre>
 * The people Herald sends to (users with contact points) and their groups
 * (clusters, seed 001).
 * </pre>
 */
@io.grpc.stub.annotations.GrpcGenerated
public final class DirectoryServiceGrpc {

  private DirectoryServiceGrpc() {}

  public static final java.lang.String SERVICE_NAME = "herald.v1.DirectoryService";

  // Static method descriptors that strictly reflect the proto.
  private static volatile io.grpc.MethodDescriptor<dev.herald.v1.CreateUserRequest,
      dev.herald.v1.CreateUserResponse> getCreateUserMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "CreateUser",
      requestType = dev.herald.v1.CreateUserRequest.class,
      responseType = dev.herald.v1.CreateUserResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.herald.v1.CreateUserRequest,
      dev.herald.v1.CreateUserResponse> getCreateUserMethod() {
    io.grpc.MethodDescriptor<dev.herald.v1.CreateUserRequest, dev.herald.v1.CreateUserResponse> getCreateUserMethod;
    if ((getCreateUserMethod = DirectoryServiceGrpc.getCreateUserMethod) == null) {
      synchronized (DirectoryServiceGrpc.class) {
        if ((getCreateUserMethod = DirectoryServiceGrpc.getCreateUserMethod) == null) {
          DirectoryServiceGrpc.getCreateUserMethod = getCreateUserMethod =
              io.grpc.MethodDescriptor.<dev.herald.v1.CreateUserRequest, dev.herald.v1.CreateUserResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "CreateUser"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.herald.v1.CreateUserRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.herald.v1.CreateUserResponse.getDefaultInstance()))
              .setSchemaDescriptor(new DirectoryServiceMethodDescriptorSupplier("CreateUser"))
              .build();
        }
      }
    }
    return getCreateUserMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.herald.v1.GetUserRequest,
      dev.herald.v1.GetUserResponse> getGetUserMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "GetUser",
      requestType = dev.herald.v1.GetUserRequest.class,
      responseType = dev.herald.v1.GetUserResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.herald.v1.GetUserRequest,
      dev.herald.v1.GetUserResponse> getGetUserMethod() {
    io.grpc.MethodDescriptor<dev.herald.v1.GetUserRequest, dev.herald.v1.GetUserResponse> getGetUserMethod;
    if ((getGetUserMethod = DirectoryServiceGrpc.getGetUserMethod) == null) {
      synchronized (DirectoryServiceGrpc.class) {
        if ((getGetUserMethod = DirectoryServiceGrpc.getGetUserMethod) == null) {
          DirectoryServiceGrpc.getGetUserMethod = getGetUserMethod =
              io.grpc.MethodDescriptor.<dev.herald.v1.GetUserRequest, dev.herald.v1.GetUserResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "GetUser"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.herald.v1.GetUserRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.herald.v1.GetUserResponse.getDefaultInstance()))
              .setSchemaDescriptor(new DirectoryServiceMethodDescriptorSupplier("GetUser"))
              .build();
        }
      }
    }
    return getGetUserMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.herald.v1.UpdateUserRequest,
      dev.herald.v1.UpdateUserResponse> getUpdateUserMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "UpdateUser",
      requestType = dev.herald.v1.UpdateUserRequest.class,
      responseType = dev.herald.v1.UpdateUserResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.herald.v1.UpdateUserRequest,
      dev.herald.v1.UpdateUserResponse> getUpdateUserMethod() {
    io.grpc.MethodDescriptor<dev.herald.v1.UpdateUserRequest, dev.herald.v1.UpdateUserResponse> getUpdateUserMethod;
    if ((getUpdateUserMethod = DirectoryServiceGrpc.getUpdateUserMethod) == null) {
      synchronized (DirectoryServiceGrpc.class) {
        if ((getUpdateUserMethod = DirectoryServiceGrpc.getUpdateUserMethod) == null) {
          DirectoryServiceGrpc.getUpdateUserMethod = getUpdateUserMethod =
              io.grpc.MethodDescriptor.<dev.herald.v1.UpdateUserRequest, dev.herald.v1.UpdateUserResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "UpdateUser"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.herald.v1.UpdateUserRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.herald.v1.UpdateUserResponse.getDefaultInstance()))
              .setSchemaDescriptor(new DirectoryServiceMethodDescriptorSupplier("UpdateUser"))
              .build();
        }
      }
    }
    return getUpdateUserMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.herald.v1.DeleteUserRequest,
      dev.herald.v1.DeleteUserResponse> getDeleteUserMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "DeleteUser",
      requestType = dev.herald.v1.DeleteUserRequest.class,
      responseType = dev.herald.v1.DeleteUserResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.herald.v1.DeleteUserRequest,
      dev.herald.v1.DeleteUserResponse> getDeleteUserMethod() {
    io.grpc.MethodDescriptor<dev.herald.v1.DeleteUserRequest, dev.herald.v1.DeleteUserResponse> getDeleteUserMethod;
    if ((getDeleteUserMethod = DirectoryServiceGrpc.getDeleteUserMethod) == null) {
      synchronized (DirectoryServiceGrpc.class) {
        if ((getDeleteUserMethod = DirectoryServiceGrpc.getDeleteUserMethod) == null) {
          DirectoryServiceGrpc.getDeleteUserMethod = getDeleteUserMethod =
              io.grpc.MethodDescriptor.<dev.herald.v1.DeleteUserRequest, dev.herald.v1.DeleteUserResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "DeleteUser"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.herald.v1.DeleteUserRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.herald.v1.DeleteUserResponse.getDefaultInstance()))
              .setSchemaDescriptor(new DirectoryServiceMethodDescriptorSupplier("DeleteUser"))
              .build();
        }
      }
    }
    return getDeleteUserMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.herald.v1.ListUsersRequest,
      dev.herald.v1.ListUsersResponse> getListUsersMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "ListUsers",
      requestType = dev.herald.v1.ListUsersRequest.class,
      responseType = dev.herald.v1.ListUsersResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.herald.v1.ListUsersRequest,
      dev.herald.v1.ListUsersResponse> getListUsersMethod() {
    io.grpc.MethodDescriptor<dev.herald.v1.ListUsersRequest, dev.herald.v1.ListUsersResponse> getListUsersMethod;
    if ((getListUsersMethod = DirectoryServiceGrpc.getListUsersMethod) == null) {
      synchronized (DirectoryServiceGrpc.class) {
        if ((getListUsersMethod = DirectoryServiceGrpc.getListUsersMethod) == null) {
          DirectoryServiceGrpc.getListUsersMethod = getListUsersMethod =
              io.grpc.MethodDescriptor.<dev.herald.v1.ListUsersRequest, dev.herald.v1.ListUsersResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "ListUsers"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.herald.v1.ListUsersRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.herald.v1.ListUsersResponse.getDefaultInstance()))
              .setSchemaDescriptor(new DirectoryServiceMethodDescriptorSupplier("ListUsers"))
              .build();
        }
      }
    }
    return getListUsersMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.herald.v1.CreateClusterRequest,
      dev.herald.v1.CreateClusterResponse> getCreateClusterMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "CreateCluster",
      requestType = dev.herald.v1.CreateClusterRequest.class,
      responseType = dev.herald.v1.CreateClusterResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.herald.v1.CreateClusterRequest,
      dev.herald.v1.CreateClusterResponse> getCreateClusterMethod() {
    io.grpc.MethodDescriptor<dev.herald.v1.CreateClusterRequest, dev.herald.v1.CreateClusterResponse> getCreateClusterMethod;
    if ((getCreateClusterMethod = DirectoryServiceGrpc.getCreateClusterMethod) == null) {
      synchronized (DirectoryServiceGrpc.class) {
        if ((getCreateClusterMethod = DirectoryServiceGrpc.getCreateClusterMethod) == null) {
          DirectoryServiceGrpc.getCreateClusterMethod = getCreateClusterMethod =
              io.grpc.MethodDescriptor.<dev.herald.v1.CreateClusterRequest, dev.herald.v1.CreateClusterResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "CreateCluster"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.herald.v1.CreateClusterRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.herald.v1.CreateClusterResponse.getDefaultInstance()))
              .setSchemaDescriptor(new DirectoryServiceMethodDescriptorSupplier("CreateCluster"))
              .build();
        }
      }
    }
    return getCreateClusterMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.herald.v1.GetClusterRequest,
      dev.herald.v1.GetClusterResponse> getGetClusterMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "GetCluster",
      requestType = dev.herald.v1.GetClusterRequest.class,
      responseType = dev.herald.v1.GetClusterResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.herald.v1.GetClusterRequest,
      dev.herald.v1.GetClusterResponse> getGetClusterMethod() {
    io.grpc.MethodDescriptor<dev.herald.v1.GetClusterRequest, dev.herald.v1.GetClusterResponse> getGetClusterMethod;
    if ((getGetClusterMethod = DirectoryServiceGrpc.getGetClusterMethod) == null) {
      synchronized (DirectoryServiceGrpc.class) {
        if ((getGetClusterMethod = DirectoryServiceGrpc.getGetClusterMethod) == null) {
          DirectoryServiceGrpc.getGetClusterMethod = getGetClusterMethod =
              io.grpc.MethodDescriptor.<dev.herald.v1.GetClusterRequest, dev.herald.v1.GetClusterResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "GetCluster"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.herald.v1.GetClusterRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.herald.v1.GetClusterResponse.getDefaultInstance()))
              .setSchemaDescriptor(new DirectoryServiceMethodDescriptorSupplier("GetCluster"))
              .build();
        }
      }
    }
    return getGetClusterMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.herald.v1.DeleteClusterRequest,
      dev.herald.v1.DeleteClusterResponse> getDeleteClusterMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "DeleteCluster",
      requestType = dev.herald.v1.DeleteClusterRequest.class,
      responseType = dev.herald.v1.DeleteClusterResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.herald.v1.DeleteClusterRequest,
      dev.herald.v1.DeleteClusterResponse> getDeleteClusterMethod() {
    io.grpc.MethodDescriptor<dev.herald.v1.DeleteClusterRequest, dev.herald.v1.DeleteClusterResponse> getDeleteClusterMethod;
    if ((getDeleteClusterMethod = DirectoryServiceGrpc.getDeleteClusterMethod) == null) {
      synchronized (DirectoryServiceGrpc.class) {
        if ((getDeleteClusterMethod = DirectoryServiceGrpc.getDeleteClusterMethod) == null) {
          DirectoryServiceGrpc.getDeleteClusterMethod = getDeleteClusterMethod =
              io.grpc.MethodDescriptor.<dev.herald.v1.DeleteClusterRequest, dev.herald.v1.DeleteClusterResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "DeleteCluster"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.herald.v1.DeleteClusterRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.herald.v1.DeleteClusterResponse.getDefaultInstance()))
              .setSchemaDescriptor(new DirectoryServiceMethodDescriptorSupplier("DeleteCluster"))
              .build();
        }
      }
    }
    return getDeleteClusterMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.herald.v1.ListClustersRequest,
      dev.herald.v1.ListClustersResponse> getListClustersMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "ListClusters",
      requestType = dev.herald.v1.ListClustersRequest.class,
      responseType = dev.herald.v1.ListClustersResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.herald.v1.ListClustersRequest,
      dev.herald.v1.ListClustersResponse> getListClustersMethod() {
    io.grpc.MethodDescriptor<dev.herald.v1.ListClustersRequest, dev.herald.v1.ListClustersResponse> getListClustersMethod;
    if ((getListClustersMethod = DirectoryServiceGrpc.getListClustersMethod) == null) {
      synchronized (DirectoryServiceGrpc.class) {
        if ((getListClustersMethod = DirectoryServiceGrpc.getListClustersMethod) == null) {
          DirectoryServiceGrpc.getListClustersMethod = getListClustersMethod =
              io.grpc.MethodDescriptor.<dev.herald.v1.ListClustersRequest, dev.herald.v1.ListClustersResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "ListClusters"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.herald.v1.ListClustersRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.herald.v1.ListClustersResponse.getDefaultInstance()))
              .setSchemaDescriptor(new DirectoryServiceMethodDescriptorSupplier("ListClusters"))
              .build();
        }
      }
    }
    return getListClustersMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.herald.v1.AddClusterMembersRequest,
      dev.herald.v1.AddClusterMembersResponse> getAddClusterMembersMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "AddClusterMembers",
      requestType = dev.herald.v1.AddClusterMembersRequest.class,
      responseType = dev.herald.v1.AddClusterMembersResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.herald.v1.AddClusterMembersRequest,
      dev.herald.v1.AddClusterMembersResponse> getAddClusterMembersMethod() {
    io.grpc.MethodDescriptor<dev.herald.v1.AddClusterMembersRequest, dev.herald.v1.AddClusterMembersResponse> getAddClusterMembersMethod;
    if ((getAddClusterMembersMethod = DirectoryServiceGrpc.getAddClusterMembersMethod) == null) {
      synchronized (DirectoryServiceGrpc.class) {
        if ((getAddClusterMembersMethod = DirectoryServiceGrpc.getAddClusterMembersMethod) == null) {
          DirectoryServiceGrpc.getAddClusterMembersMethod = getAddClusterMembersMethod =
              io.grpc.MethodDescriptor.<dev.herald.v1.AddClusterMembersRequest, dev.herald.v1.AddClusterMembersResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "AddClusterMembers"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.herald.v1.AddClusterMembersRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.herald.v1.AddClusterMembersResponse.getDefaultInstance()))
              .setSchemaDescriptor(new DirectoryServiceMethodDescriptorSupplier("AddClusterMembers"))
              .build();
        }
      }
    }
    return getAddClusterMembersMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.herald.v1.RemoveClusterMembersRequest,
      dev.herald.v1.RemoveClusterMembersResponse> getRemoveClusterMembersMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "RemoveClusterMembers",
      requestType = dev.herald.v1.RemoveClusterMembersRequest.class,
      responseType = dev.herald.v1.RemoveClusterMembersResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.herald.v1.RemoveClusterMembersRequest,
      dev.herald.v1.RemoveClusterMembersResponse> getRemoveClusterMembersMethod() {
    io.grpc.MethodDescriptor<dev.herald.v1.RemoveClusterMembersRequest, dev.herald.v1.RemoveClusterMembersResponse> getRemoveClusterMembersMethod;
    if ((getRemoveClusterMembersMethod = DirectoryServiceGrpc.getRemoveClusterMembersMethod) == null) {
      synchronized (DirectoryServiceGrpc.class) {
        if ((getRemoveClusterMembersMethod = DirectoryServiceGrpc.getRemoveClusterMembersMethod) == null) {
          DirectoryServiceGrpc.getRemoveClusterMembersMethod = getRemoveClusterMembersMethod =
              io.grpc.MethodDescriptor.<dev.herald.v1.RemoveClusterMembersRequest, dev.herald.v1.RemoveClusterMembersResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "RemoveClusterMembers"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.herald.v1.RemoveClusterMembersRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.herald.v1.RemoveClusterMembersResponse.getDefaultInstance()))
              .setSchemaDescriptor(new DirectoryServiceMethodDescriptorSupplier("RemoveClusterMembers"))
              .build();
        }
      }
    }
    return getRemoveClusterMembersMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.herald.v1.ListClusterMembersRequest,
      dev.herald.v1.ListClusterMembersResponse> getListClusterMembersMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "ListClusterMembers",
      requestType = dev.herald.v1.ListClusterMembersRequest.class,
      responseType = dev.herald.v1.ListClusterMembersResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.herald.v1.ListClusterMembersRequest,
      dev.herald.v1.ListClusterMembersResponse> getListClusterMembersMethod() {
    io.grpc.MethodDescriptor<dev.herald.v1.ListClusterMembersRequest, dev.herald.v1.ListClusterMembersResponse> getListClusterMembersMethod;
    if ((getListClusterMembersMethod = DirectoryServiceGrpc.getListClusterMembersMethod) == null) {
      synchronized (DirectoryServiceGrpc.class) {
        if ((getListClusterMembersMethod = DirectoryServiceGrpc.getListClusterMembersMethod) == null) {
          DirectoryServiceGrpc.getListClusterMembersMethod = getListClusterMembersMethod =
              io.grpc.MethodDescriptor.<dev.herald.v1.ListClusterMembersRequest, dev.herald.v1.ListClusterMembersResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "ListClusterMembers"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.herald.v1.ListClusterMembersRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.herald.v1.ListClusterMembersResponse.getDefaultInstance()))
              .setSchemaDescriptor(new DirectoryServiceMethodDescriptorSupplier("ListClusterMembers"))
              .build();
        }
      }
    }
    return getListClusterMembersMethod;
  }

  /**
   * Creates a new async stub that supports all call types for the service
   */
  public static DirectoryServiceStub newStub(io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<DirectoryServiceStub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<DirectoryServiceStub>() {
        @java.lang.Override
        public DirectoryServiceStub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new DirectoryServiceStub(channel, callOptions);
        }
      };
    return DirectoryServiceStub.newStub(factory, channel);
  }

  /**
   * Creates a new blocking-style stub that supports all types of calls on the service
   */
  public static DirectoryServiceBlockingV2Stub newBlockingV2Stub(
      io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<DirectoryServiceBlockingV2Stub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<DirectoryServiceBlockingV2Stub>() {
        @java.lang.Override
        public DirectoryServiceBlockingV2Stub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new DirectoryServiceBlockingV2Stub(channel, callOptions);
        }
      };
    return DirectoryServiceBlockingV2Stub.newStub(factory, channel);
  }

  /**
   * Creates a new blocking-style stub that supports unary and streaming output calls on the service
   */
  public static DirectoryServiceBlockingStub newBlockingStub(
      io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<DirectoryServiceBlockingStub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<DirectoryServiceBlockingStub>() {
        @java.lang.Override
        public DirectoryServiceBlockingStub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new DirectoryServiceBlockingStub(channel, callOptions);
        }
      };
    return DirectoryServiceBlockingStub.newStub(factory, channel);
  }

  /**
   * Creates a new ListenableFuture-style stub that supports unary calls on the service
   */
  public static DirectoryServiceFutureStub newFutureStub(
      io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<DirectoryServiceFutureStub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<DirectoryServiceFutureStub>() {
        @java.lang.Override
        public DirectoryServiceFutureStub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new DirectoryServiceFutureStub(channel, callOptions);
        }
      };
    return DirectoryServiceFutureStub.newStub(factory, channel);
  }

  /**
   * <pre>
   * The people Herald sends to (users with contact points) and their groups
   * (clusters, seed 001).
   * </pre>
   */
  public interface AsyncService {

    /**
     * <pre>
     * Returns OK, INVALID_ARGUMENT (field violations per bad contact point),
     * ALREADY_EXISTS, UNAUTHENTICATED, PERMISSION_DENIED.
     * </pre>
     */
    default void createUser(dev.herald.v1.CreateUserRequest request,
        io.grpc.stub.StreamObserver<dev.herald.v1.CreateUserResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getCreateUserMethod(), responseObserver);
    }

    /**
     * <pre>
     * Returns OK, NOT_FOUND, UNAUTHENTICATED, PERMISSION_DENIED.
     * </pre>
     */
    default void getUser(dev.herald.v1.GetUserRequest request,
        io.grpc.stub.StreamObserver<dev.herald.v1.GetUserResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getGetUserMethod(), responseObserver);
    }

    /**
     * <pre>
     * Replaces the fields named in update_mask (all when empty).
     * Returns OK, INVALID_ARGUMENT, NOT_FOUND, UNAUTHENTICATED, PERMISSION_DENIED.
     * </pre>
     */
    default void updateUser(dev.herald.v1.UpdateUserRequest request,
        io.grpc.stub.StreamObserver<dev.herald.v1.UpdateUserResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getUpdateUserMethod(), responseObserver);
    }

    /**
     * <pre>
     * Deletes a user; their contact points are gone from future sends.
     * Returns OK, NOT_FOUND, UNAUTHENTICATED, PERMISSION_DENIED.
     * </pre>
     */
    default void deleteUser(dev.herald.v1.DeleteUserRequest request,
        io.grpc.stub.StreamObserver<dev.herald.v1.DeleteUserResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getDeleteUserMethod(), responseObserver);
    }

    /**
     * <pre>
     * Lists users (AIP-158). Returns OK, INVALID_ARGUMENT, UNAUTHENTICATED,
     * PERMISSION_DENIED.
     * </pre>
     */
    default void listUsers(dev.herald.v1.ListUsersRequest request,
        io.grpc.stub.StreamObserver<dev.herald.v1.ListUsersResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getListUsersMethod(), responseObserver);
    }

    /**
     * <pre>
     * Returns OK, INVALID_ARGUMENT, ALREADY_EXISTS, UNAUTHENTICATED, PERMISSION_DENIED.
     * </pre>
     */
    default void createCluster(dev.herald.v1.CreateClusterRequest request,
        io.grpc.stub.StreamObserver<dev.herald.v1.CreateClusterResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getCreateClusterMethod(), responseObserver);
    }

    /**
     * <pre>
     * Returns OK, NOT_FOUND, UNAUTHENTICATED, PERMISSION_DENIED.
     * </pre>
     */
    default void getCluster(dev.herald.v1.GetClusterRequest request,
        io.grpc.stub.StreamObserver<dev.herald.v1.GetClusterResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getGetClusterMethod(), responseObserver);
    }

    /**
     * <pre>
     * Returns OK, NOT_FOUND, UNAUTHENTICATED, PERMISSION_DENIED.
     * </pre>
     */
    default void deleteCluster(dev.herald.v1.DeleteClusterRequest request,
        io.grpc.stub.StreamObserver<dev.herald.v1.DeleteClusterResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getDeleteClusterMethod(), responseObserver);
    }

    /**
     * <pre>
     * Lists clusters (AIP-158). Returns OK, INVALID_ARGUMENT, UNAUTHENTICATED,
     * PERMISSION_DENIED.
     * </pre>
     */
    default void listClusters(dev.herald.v1.ListClustersRequest request,
        io.grpc.stub.StreamObserver<dev.herald.v1.ListClustersResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getListClustersMethod(), responseObserver);
    }

    /**
     * <pre>
     * Adds users to a cluster (adding a member twice is not an error).
     * Returns OK, NOT_FOUND (cluster or user), UNAUTHENTICATED, PERMISSION_DENIED.
     * </pre>
     */
    default void addClusterMembers(dev.herald.v1.AddClusterMembersRequest request,
        io.grpc.stub.StreamObserver<dev.herald.v1.AddClusterMembersResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getAddClusterMembersMethod(), responseObserver);
    }

    /**
     * <pre>
     * Removes users from a cluster. Returns OK, NOT_FOUND, UNAUTHENTICATED,
     * PERMISSION_DENIED.
     * </pre>
     */
    default void removeClusterMembers(dev.herald.v1.RemoveClusterMembersRequest request,
        io.grpc.stub.StreamObserver<dev.herald.v1.RemoveClusterMembersResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getRemoveClusterMembersMethod(), responseObserver);
    }

    /**
     * <pre>
     * Lists a cluster's members (AIP-158). Returns OK, NOT_FOUND,
     * INVALID_ARGUMENT, UNAUTHENTICATED, PERMISSION_DENIED.
     * </pre>
     */
    default void listClusterMembers(dev.herald.v1.ListClusterMembersRequest request,
        io.grpc.stub.StreamObserver<dev.herald.v1.ListClusterMembersResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getListClusterMembersMethod(), responseObserver);
    }
  }

  /**
   * Base class for the server implementation of the service DirectoryService.
   * <pre>
   * The people Herald sends to (users with contact points) and their groups
   * (clusters, seed 001).
   * </pre>
   */
  public static abstract class DirectoryServiceImplBase
      implements io.grpc.BindableService, AsyncService {

    @java.lang.Override public final io.grpc.ServerServiceDefinition bindService() {
      return DirectoryServiceGrpc.bindService(this);
    }
  }

  /**
   * A stub to allow clients to do asynchronous rpc calls to service DirectoryService.
   * <pre>
   * The people Herald sends to (users with contact points) and their groups
   * (clusters, seed 001).
   * </pre>
   */
  public static final class DirectoryServiceStub
      extends io.grpc.stub.AbstractAsyncStub<DirectoryServiceStub> {
    private DirectoryServiceStub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected DirectoryServiceStub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new DirectoryServiceStub(channel, callOptions);
    }

    /**
     * <pre>
     * Returns OK, INVALID_ARGUMENT (field violations per bad contact point),
     * ALREADY_EXISTS, UNAUTHENTICATED, PERMISSION_DENIED.
     * </pre>
     */
    public void createUser(dev.herald.v1.CreateUserRequest request,
        io.grpc.stub.StreamObserver<dev.herald.v1.CreateUserResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getCreateUserMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Returns OK, NOT_FOUND, UNAUTHENTICATED, PERMISSION_DENIED.
     * </pre>
     */
    public void getUser(dev.herald.v1.GetUserRequest request,
        io.grpc.stub.StreamObserver<dev.herald.v1.GetUserResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getGetUserMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Replaces the fields named in update_mask (all when empty).
     * Returns OK, INVALID_ARGUMENT, NOT_FOUND, UNAUTHENTICATED, PERMISSION_DENIED.
     * </pre>
     */
    public void updateUser(dev.herald.v1.UpdateUserRequest request,
        io.grpc.stub.StreamObserver<dev.herald.v1.UpdateUserResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getUpdateUserMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Deletes a user; their contact points are gone from future sends.
     * Returns OK, NOT_FOUND, UNAUTHENTICATED, PERMISSION_DENIED.
     * </pre>
     */
    public void deleteUser(dev.herald.v1.DeleteUserRequest request,
        io.grpc.stub.StreamObserver<dev.herald.v1.DeleteUserResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getDeleteUserMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Lists users (AIP-158). Returns OK, INVALID_ARGUMENT, UNAUTHENTICATED,
     * PERMISSION_DENIED.
     * </pre>
     */
    public void listUsers(dev.herald.v1.ListUsersRequest request,
        io.grpc.stub.StreamObserver<dev.herald.v1.ListUsersResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getListUsersMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Returns OK, INVALID_ARGUMENT, ALREADY_EXISTS, UNAUTHENTICATED, PERMISSION_DENIED.
     * </pre>
     */
    public void createCluster(dev.herald.v1.CreateClusterRequest request,
        io.grpc.stub.StreamObserver<dev.herald.v1.CreateClusterResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getCreateClusterMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Returns OK, NOT_FOUND, UNAUTHENTICATED, PERMISSION_DENIED.
     * </pre>
     */
    public void getCluster(dev.herald.v1.GetClusterRequest request,
        io.grpc.stub.StreamObserver<dev.herald.v1.GetClusterResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getGetClusterMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Returns OK, NOT_FOUND, UNAUTHENTICATED, PERMISSION_DENIED.
     * </pre>
     */
    public void deleteCluster(dev.herald.v1.DeleteClusterRequest request,
        io.grpc.stub.StreamObserver<dev.herald.v1.DeleteClusterResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getDeleteClusterMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Lists clusters (AIP-158). Returns OK, INVALID_ARGUMENT, UNAUTHENTICATED,
     * PERMISSION_DENIED.
     * </pre>
     */
    public void listClusters(dev.herald.v1.ListClustersRequest request,
        io.grpc.stub.StreamObserver<dev.herald.v1.ListClustersResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getListClustersMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Adds users to a cluster (adding a member twice is not an error).
     * Returns OK, NOT_FOUND (cluster or user), UNAUTHENTICATED, PERMISSION_DENIED.
     * </pre>
     */
    public void addClusterMembers(dev.herald.v1.AddClusterMembersRequest request,
        io.grpc.stub.StreamObserver<dev.herald.v1.AddClusterMembersResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getAddClusterMembersMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Removes users from a cluster. Returns OK, NOT_FOUND, UNAUTHENTICATED,
     * PERMISSION_DENIED.
     * </pre>
     */
    public void removeClusterMembers(dev.herald.v1.RemoveClusterMembersRequest request,
        io.grpc.stub.StreamObserver<dev.herald.v1.RemoveClusterMembersResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getRemoveClusterMembersMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Lists a cluster's members (AIP-158). Returns OK, NOT_FOUND,
     * INVALID_ARGUMENT, UNAUTHENTICATED, PERMISSION_DENIED.
     * </pre>
     */
    public void listClusterMembers(dev.herald.v1.ListClusterMembersRequest request,
        io.grpc.stub.StreamObserver<dev.herald.v1.ListClusterMembersResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getListClusterMembersMethod(), getCallOptions()), request, responseObserver);
    }
  }

  /**
   * A stub to allow clients to do synchronous rpc calls to service DirectoryService.
   * <pre>
   * The people Herald sends to (users with contact points) and their groups
   * (clusters, seed 001).
   * </pre>
   */
  public static final class DirectoryServiceBlockingV2Stub
      extends io.grpc.stub.AbstractBlockingStub<DirectoryServiceBlockingV2Stub> {
    private DirectoryServiceBlockingV2Stub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected DirectoryServiceBlockingV2Stub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new DirectoryServiceBlockingV2Stub(channel, callOptions);
    }

    /**
     * <pre>
     * Returns OK, INVALID_ARGUMENT (field violations per bad contact point),
     * ALREADY_EXISTS, UNAUTHENTICATED, PERMISSION_DENIED.
     * </pre>
     */
    public dev.herald.v1.CreateUserResponse createUser(dev.herald.v1.CreateUserRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getCreateUserMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Returns OK, NOT_FOUND, UNAUTHENTICATED, PERMISSION_DENIED.
     * </pre>
     */
    public dev.herald.v1.GetUserResponse getUser(dev.herald.v1.GetUserRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getGetUserMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Replaces the fields named in update_mask (all when empty).
     * Returns OK, INVALID_ARGUMENT, NOT_FOUND, UNAUTHENTICATED, PERMISSION_DENIED.
     * </pre>
     */
    public dev.herald.v1.UpdateUserResponse updateUser(dev.herald.v1.UpdateUserRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getUpdateUserMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Deletes a user; their contact points are gone from future sends.
     * Returns OK, NOT_FOUND, UNAUTHENTICATED, PERMISSION_DENIED.
     * </pre>
     */
    public dev.herald.v1.DeleteUserResponse deleteUser(dev.herald.v1.DeleteUserRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getDeleteUserMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Lists users (AIP-158). Returns OK, INVALID_ARGUMENT, UNAUTHENTICATED,
     * PERMISSION_DENIED.
     * </pre>
     */
    public dev.herald.v1.ListUsersResponse listUsers(dev.herald.v1.ListUsersRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getListUsersMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Returns OK, INVALID_ARGUMENT, ALREADY_EXISTS, UNAUTHENTICATED, PERMISSION_DENIED.
     * </pre>
     */
    public dev.herald.v1.CreateClusterResponse createCluster(dev.herald.v1.CreateClusterRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getCreateClusterMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Returns OK, NOT_FOUND, UNAUTHENTICATED, PERMISSION_DENIED.
     * </pre>
     */
    public dev.herald.v1.GetClusterResponse getCluster(dev.herald.v1.GetClusterRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getGetClusterMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Returns OK, NOT_FOUND, UNAUTHENTICATED, PERMISSION_DENIED.
     * </pre>
     */
    public dev.herald.v1.DeleteClusterResponse deleteCluster(dev.herald.v1.DeleteClusterRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getDeleteClusterMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Lists clusters (AIP-158). Returns OK, INVALID_ARGUMENT, UNAUTHENTICATED,
     * PERMISSION_DENIED.
     * </pre>
     */
    public dev.herald.v1.ListClustersResponse listClusters(dev.herald.v1.ListClustersRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getListClustersMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Adds users to a cluster (adding a member twice is not an error).
     * Returns OK, NOT_FOUND (cluster or user), UNAUTHENTICATED, PERMISSION_DENIED.
     * </pre>
     */
    public dev.herald.v1.AddClusterMembersResponse addClusterMembers(dev.herald.v1.AddClusterMembersRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getAddClusterMembersMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Removes users from a cluster. Returns OK, NOT_FOUND, UNAUTHENTICATED,
     * PERMISSION_DENIED.
     * </pre>
     */
    public dev.herald.v1.RemoveClusterMembersResponse removeClusterMembers(dev.herald.v1.RemoveClusterMembersRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getRemoveClusterMembersMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Lists a cluster's members (AIP-158). Returns OK, NOT_FOUND,
     * INVALID_ARGUMENT, UNAUTHENTICATED, PERMISSION_DENIED.
     * </pre>
     */
    public dev.herald.v1.ListClusterMembersResponse listClusterMembers(dev.herald.v1.ListClusterMembersRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getListClusterMembersMethod(), getCallOptions(), request);
    }
  }

  /**
   * A stub to allow clients to do limited synchronous rpc calls to service DirectoryService.
   * <pre>
   * The people Herald sends to (users with contact points) and their groups
   * (clusters, seed 001).
   * </pre>
   */
  public static final class DirectoryServiceBlockingStub
      extends io.grpc.stub.AbstractBlockingStub<DirectoryServiceBlockingStub> {
    private DirectoryServiceBlockingStub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected DirectoryServiceBlockingStub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new DirectoryServiceBlockingStub(channel, callOptions);
    }

    /**
     * <pre>
     * Returns OK, INVALID_ARGUMENT (field violations per bad contact point),
     * ALREADY_EXISTS, UNAUTHENTICATED, PERMISSION_DENIED.
     * </pre>
     */
    public dev.herald.v1.CreateUserResponse createUser(dev.herald.v1.CreateUserRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getCreateUserMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Returns OK, NOT_FOUND, UNAUTHENTICATED, PERMISSION_DENIED.
     * </pre>
     */
    public dev.herald.v1.GetUserResponse getUser(dev.herald.v1.GetUserRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getGetUserMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Replaces the fields named in update_mask (all when empty).
     * Returns OK, INVALID_ARGUMENT, NOT_FOUND, UNAUTHENTICATED, PERMISSION_DENIED.
     * </pre>
     */
    public dev.herald.v1.UpdateUserResponse updateUser(dev.herald.v1.UpdateUserRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getUpdateUserMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Deletes a user; their contact points are gone from future sends.
     * Returns OK, NOT_FOUND, UNAUTHENTICATED, PERMISSION_DENIED.
     * </pre>
     */
    public dev.herald.v1.DeleteUserResponse deleteUser(dev.herald.v1.DeleteUserRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getDeleteUserMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Lists users (AIP-158). Returns OK, INVALID_ARGUMENT, UNAUTHENTICATED,
     * PERMISSION_DENIED.
     * </pre>
     */
    public dev.herald.v1.ListUsersResponse listUsers(dev.herald.v1.ListUsersRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getListUsersMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Returns OK, INVALID_ARGUMENT, ALREADY_EXISTS, UNAUTHENTICATED, PERMISSION_DENIED.
     * </pre>
     */
    public dev.herald.v1.CreateClusterResponse createCluster(dev.herald.v1.CreateClusterRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getCreateClusterMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Returns OK, NOT_FOUND, UNAUTHENTICATED, PERMISSION_DENIED.
     * </pre>
     */
    public dev.herald.v1.GetClusterResponse getCluster(dev.herald.v1.GetClusterRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getGetClusterMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Returns OK, NOT_FOUND, UNAUTHENTICATED, PERMISSION_DENIED.
     * </pre>
     */
    public dev.herald.v1.DeleteClusterResponse deleteCluster(dev.herald.v1.DeleteClusterRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getDeleteClusterMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Lists clusters (AIP-158). Returns OK, INVALID_ARGUMENT, UNAUTHENTICATED,
     * PERMISSION_DENIED.
     * </pre>
     */
    public dev.herald.v1.ListClustersResponse listClusters(dev.herald.v1.ListClustersRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getListClustersMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Adds users to a cluster (adding a member twice is not an error).
     * Returns OK, NOT_FOUND (cluster or user), UNAUTHENTICATED, PERMISSION_DENIED.
     * </pre>
     */
    public dev.herald.v1.AddClusterMembersResponse addClusterMembers(dev.herald.v1.AddClusterMembersRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getAddClusterMembersMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Removes users from a cluster. Returns OK, NOT_FOUND, UNAUTHENTICATED,
     * PERMISSION_DENIED.
     * </pre>
     */
    public dev.herald.v1.RemoveClusterMembersResponse removeClusterMembers(dev.herald.v1.RemoveClusterMembersRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getRemoveClusterMembersMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Lists a cluster's members (AIP-158). Returns OK, NOT_FOUND,
     * INVALID_ARGUMENT, UNAUTHENTICATED, PERMISSION_DENIED.
     * </pre>
     */
    public dev.herald.v1.ListClusterMembersResponse listClusterMembers(dev.herald.v1.ListClusterMembersRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getListClusterMembersMethod(), getCallOptions(), request);
    }
  }

  /**
   * A stub to allow clients to do ListenableFuture-style rpc calls to service DirectoryService.
   * <pre>
   * The people Herald sends to (users with contact points) and their groups
   * (clusters, seed 001).
   * </pre>
   */
  public static final class DirectoryServiceFutureStub
      extends io.grpc.stub.AbstractFutureStub<DirectoryServiceFutureStub> {
    private DirectoryServiceFutureStub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected DirectoryServiceFutureStub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new DirectoryServiceFutureStub(channel, callOptions);
    }

    /**
     * <pre>
     * Returns OK, INVALID_ARGUMENT (field violations per bad contact point),
     * ALREADY_EXISTS, UNAUTHENTICATED, PERMISSION_DENIED.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.herald.v1.CreateUserResponse> createUser(
        dev.herald.v1.CreateUserRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getCreateUserMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Returns OK, NOT_FOUND, UNAUTHENTICATED, PERMISSION_DENIED.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.herald.v1.GetUserResponse> getUser(
        dev.herald.v1.GetUserRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getGetUserMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Replaces the fields named in update_mask (all when empty).
     * Returns OK, INVALID_ARGUMENT, NOT_FOUND, UNAUTHENTICATED, PERMISSION_DENIED.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.herald.v1.UpdateUserResponse> updateUser(
        dev.herald.v1.UpdateUserRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getUpdateUserMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Deletes a user; their contact points are gone from future sends.
     * Returns OK, NOT_FOUND, UNAUTHENTICATED, PERMISSION_DENIED.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.herald.v1.DeleteUserResponse> deleteUser(
        dev.herald.v1.DeleteUserRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getDeleteUserMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Lists users (AIP-158). Returns OK, INVALID_ARGUMENT, UNAUTHENTICATED,
     * PERMISSION_DENIED.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.herald.v1.ListUsersResponse> listUsers(
        dev.herald.v1.ListUsersRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getListUsersMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Returns OK, INVALID_ARGUMENT, ALREADY_EXISTS, UNAUTHENTICATED, PERMISSION_DENIED.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.herald.v1.CreateClusterResponse> createCluster(
        dev.herald.v1.CreateClusterRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getCreateClusterMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Returns OK, NOT_FOUND, UNAUTHENTICATED, PERMISSION_DENIED.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.herald.v1.GetClusterResponse> getCluster(
        dev.herald.v1.GetClusterRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getGetClusterMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Returns OK, NOT_FOUND, UNAUTHENTICATED, PERMISSION_DENIED.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.herald.v1.DeleteClusterResponse> deleteCluster(
        dev.herald.v1.DeleteClusterRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getDeleteClusterMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Lists clusters (AIP-158). Returns OK, INVALID_ARGUMENT, UNAUTHENTICATED,
     * PERMISSION_DENIED.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.herald.v1.ListClustersResponse> listClusters(
        dev.herald.v1.ListClustersRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getListClustersMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Adds users to a cluster (adding a member twice is not an error).
     * Returns OK, NOT_FOUND (cluster or user), UNAUTHENTICATED, PERMISSION_DENIED.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.herald.v1.AddClusterMembersResponse> addClusterMembers(
        dev.herald.v1.AddClusterMembersRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getAddClusterMembersMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Removes users from a cluster. Returns OK, NOT_FOUND, UNAUTHENTICATED,
     * PERMISSION_DENIED.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.herald.v1.RemoveClusterMembersResponse> removeClusterMembers(
        dev.herald.v1.RemoveClusterMembersRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getRemoveClusterMembersMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Lists a cluster's members (AIP-158). Returns OK, NOT_FOUND,
     * INVALID_ARGUMENT, UNAUTHENTICATED, PERMISSION_DENIED.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.herald.v1.ListClusterMembersResponse> listClusterMembers(
        dev.herald.v1.ListClusterMembersRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getListClusterMembersMethod(), getCallOptions()), request);
    }
  }

  private static final int METHODID_CREATE_USER = 0;
  private static final int METHODID_GET_USER = 1;
  private static final int METHODID_UPDATE_USER = 2;
  private static final int METHODID_DELETE_USER = 3;
  private static final int METHODID_LIST_USERS = 4;
  private static final int METHODID_CREATE_CLUSTER = 5;
  private static final int METHODID_GET_CLUSTER = 6;
  private static final int METHODID_DELETE_CLUSTER = 7;
  private static final int METHODID_LIST_CLUSTERS = 8;
  private static final int METHODID_ADD_CLUSTER_MEMBERS = 9;
  private static final int METHODID_REMOVE_CLUSTER_MEMBERS = 10;
  private static final int METHODID_LIST_CLUSTER_MEMBERS = 11;

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
        case METHODID_CREATE_USER:
          serviceImpl.createUser((dev.herald.v1.CreateUserRequest) request,
              (io.grpc.stub.StreamObserver<dev.herald.v1.CreateUserResponse>) responseObserver);
          break;
        case METHODID_GET_USER:
          serviceImpl.getUser((dev.herald.v1.GetUserRequest) request,
              (io.grpc.stub.StreamObserver<dev.herald.v1.GetUserResponse>) responseObserver);
          break;
        case METHODID_UPDATE_USER:
          serviceImpl.updateUser((dev.herald.v1.UpdateUserRequest) request,
              (io.grpc.stub.StreamObserver<dev.herald.v1.UpdateUserResponse>) responseObserver);
          break;
        case METHODID_DELETE_USER:
          serviceImpl.deleteUser((dev.herald.v1.DeleteUserRequest) request,
              (io.grpc.stub.StreamObserver<dev.herald.v1.DeleteUserResponse>) responseObserver);
          break;
        case METHODID_LIST_USERS:
          serviceImpl.listUsers((dev.herald.v1.ListUsersRequest) request,
              (io.grpc.stub.StreamObserver<dev.herald.v1.ListUsersResponse>) responseObserver);
          break;
        case METHODID_CREATE_CLUSTER:
          serviceImpl.createCluster((dev.herald.v1.CreateClusterRequest) request,
              (io.grpc.stub.StreamObserver<dev.herald.v1.CreateClusterResponse>) responseObserver);
          break;
        case METHODID_GET_CLUSTER:
          serviceImpl.getCluster((dev.herald.v1.GetClusterRequest) request,
              (io.grpc.stub.StreamObserver<dev.herald.v1.GetClusterResponse>) responseObserver);
          break;
        case METHODID_DELETE_CLUSTER:
          serviceImpl.deleteCluster((dev.herald.v1.DeleteClusterRequest) request,
              (io.grpc.stub.StreamObserver<dev.herald.v1.DeleteClusterResponse>) responseObserver);
          break;
        case METHODID_LIST_CLUSTERS:
          serviceImpl.listClusters((dev.herald.v1.ListClustersRequest) request,
              (io.grpc.stub.StreamObserver<dev.herald.v1.ListClustersResponse>) responseObserver);
          break;
        case METHODID_ADD_CLUSTER_MEMBERS:
          serviceImpl.addClusterMembers((dev.herald.v1.AddClusterMembersRequest) request,
              (io.grpc.stub.StreamObserver<dev.herald.v1.AddClusterMembersResponse>) responseObserver);
          break;
        case METHODID_REMOVE_CLUSTER_MEMBERS:
          serviceImpl.removeClusterMembers((dev.herald.v1.RemoveClusterMembersRequest) request,
              (io.grpc.stub.StreamObserver<dev.herald.v1.RemoveClusterMembersResponse>) responseObserver);
          break;
        case METHODID_LIST_CLUSTER_MEMBERS:
          serviceImpl.listClusterMembers((dev.herald.v1.ListClusterMembersRequest) request,
              (io.grpc.stub.StreamObserver<dev.herald.v1.ListClusterMembersResponse>) responseObserver);
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
          getCreateUserMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.herald.v1.CreateUserRequest,
              dev.herald.v1.CreateUserResponse>(
                service, METHODID_CREATE_USER)))
        .addMethod(
          getGetUserMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.herald.v1.GetUserRequest,
              dev.herald.v1.GetUserResponse>(
                service, METHODID_GET_USER)))
        .addMethod(
          getUpdateUserMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.herald.v1.UpdateUserRequest,
              dev.herald.v1.UpdateUserResponse>(
                service, METHODID_UPDATE_USER)))
        .addMethod(
          getDeleteUserMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.herald.v1.DeleteUserRequest,
              dev.herald.v1.DeleteUserResponse>(
                service, METHODID_DELETE_USER)))
        .addMethod(
          getListUsersMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.herald.v1.ListUsersRequest,
              dev.herald.v1.ListUsersResponse>(
                service, METHODID_LIST_USERS)))
        .addMethod(
          getCreateClusterMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.herald.v1.CreateClusterRequest,
              dev.herald.v1.CreateClusterResponse>(
                service, METHODID_CREATE_CLUSTER)))
        .addMethod(
          getGetClusterMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.herald.v1.GetClusterRequest,
              dev.herald.v1.GetClusterResponse>(
                service, METHODID_GET_CLUSTER)))
        .addMethod(
          getDeleteClusterMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.herald.v1.DeleteClusterRequest,
              dev.herald.v1.DeleteClusterResponse>(
                service, METHODID_DELETE_CLUSTER)))
        .addMethod(
          getListClustersMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.herald.v1.ListClustersRequest,
              dev.herald.v1.ListClustersResponse>(
                service, METHODID_LIST_CLUSTERS)))
        .addMethod(
          getAddClusterMembersMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.herald.v1.AddClusterMembersRequest,
              dev.herald.v1.AddClusterMembersResponse>(
                service, METHODID_ADD_CLUSTER_MEMBERS)))
        .addMethod(
          getRemoveClusterMembersMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.herald.v1.RemoveClusterMembersRequest,
              dev.herald.v1.RemoveClusterMembersResponse>(
                service, METHODID_REMOVE_CLUSTER_MEMBERS)))
        .addMethod(
          getListClusterMembersMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.herald.v1.ListClusterMembersRequest,
              dev.herald.v1.ListClusterMembersResponse>(
                service, METHODID_LIST_CLUSTER_MEMBERS)))
        .build();
  }

  private static abstract class DirectoryServiceBaseDescriptorSupplier
      implements io.grpc.protobuf.ProtoFileDescriptorSupplier, io.grpc.protobuf.ProtoServiceDescriptorSupplier {
    DirectoryServiceBaseDescriptorSupplier() {}

    @java.lang.Override
    public com.google.protobuf.Descriptors.FileDescriptor getFileDescriptor() {
      return dev.herald.v1.DirectoryProto.getDescriptor();
    }

    @java.lang.Override
    public com.google.protobuf.Descriptors.ServiceDescriptor getServiceDescriptor() {
      return getFileDescriptor().findServiceByName("DirectoryService");
    }
  }

  private static final class DirectoryServiceFileDescriptorSupplier
      extends DirectoryServiceBaseDescriptorSupplier {
    DirectoryServiceFileDescriptorSupplier() {}
  }

  private static final class DirectoryServiceMethodDescriptorSupplier
      extends DirectoryServiceBaseDescriptorSupplier
      implements io.grpc.protobuf.ProtoMethodDescriptorSupplier {
    private final java.lang.String methodName;

    DirectoryServiceMethodDescriptorSupplier(java.lang.String methodName) {
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
      synchronized (DirectoryServiceGrpc.class) {
        result = serviceDescriptor;
        if (result == null) {
          serviceDescriptor = result = io.grpc.ServiceDescriptor.newBuilder(SERVICE_NAME)
              .setSchemaDescriptor(new DirectoryServiceFileDescriptorSupplier())
              .addMethod(getCreateUserMethod())
              .addMethod(getGetUserMethod())
              .addMethod(getUpdateUserMethod())
              .addMethod(getDeleteUserMethod())
              .addMethod(getListUsersMethod())
              .addMethod(getCreateClusterMethod())
              .addMethod(getGetClusterMethod())
              .addMethod(getDeleteClusterMethod())
              .addMethod(getListClustersMethod())
              .addMethod(getAddClusterMembersMethod())
              .addMethod(getRemoveClusterMembersMethod())
              .addMethod(getListClusterMembersMethod())
              .build();
        }
      }
    }
    return result;
  }
}
