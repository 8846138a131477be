import Secrets
import XRPCMethods

/// Which XRPC error each domain error is, in one place: the pipeline answers a failure of the request with the
/// name when the method declares it (else `InvalidRequest`), and a failure of the service (`nil` here) with 500.
extension SecretServiceError: XRPCMappedError {
    public var xrpcError: (name: String, message: String)? {
        switch self {
        case .notFound: ("NotFound", description)
        case .alreadyExists: ("AlreadyExists", description)
        case .rotationInProgress: ("RotationInProgress", description)
        case .expired: ("Expired", description)
        case .noPreviousToken: ("NoPreviousToken", description)
        case .limitReached, .invalidRequest, .invalidToken: ("InvalidRequest", description)
        case .wrongMasterKey, .undecryptable, .unavailable: nil
        }
    }
}

extension SigningKeyError: XRPCMappedError {
    public var xrpcError: (name: String, message: String)? {
        switch self {
        case .notFound: ("NotFound", description)
        case .alreadyExists: ("AlreadyExists", description)
        case .limitReached, .invalidRequest: ("InvalidRequest", description)
        case .undecryptable, .unavailable: nil
        }
    }
}
